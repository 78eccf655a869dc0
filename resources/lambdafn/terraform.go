package lambdafn

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_lambda_function"} }

// ImportKey implements tfstate.Importer: a function is its name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

// FromTerraform implements tfstate.Importer. Only container-image
// functions can be taken over: the kind has no zip fields.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if pt := inst.String("package_type"); pt != "Image" {
		return tfstate.Imported{}, fmt.Errorf("%s has package_type %q: lambda.function manages container images only", inst.Address, pt)
	}
	unsupported := inst.SetAttrs("image_config", "vpc_config", "layers", "dead_letter_config", "file_system_config", "kms_key_arn", "snap_start")
	if n, ok := inst.Attrs["reserved_concurrent_executions"].(int64); ok && n != -1 {
		unsupported = append(unsupported, "reserved_concurrent_executions")
	}
	if b := inst.Block("ephemeral_storage"); b != nil {
		if size, _ := b["size"].(int64); size != 0 && size != 512 {
			unsupported = append(unsupported, "ephemeral_storage")
		}
	}
	if b := inst.Block("tracing_config"); b != nil {
		if mode, _ := b["mode"].(string); mode != "" && mode != "PassThrough" {
			unsupported = append(unsupported, "tracing_config")
		}
	}
	if len(unsupported) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), unsupported...)
	}
	name := inst.String("function_name")
	p := spec.Props{
		"name":          name,
		"role":          inst.String("role"),
		"package_type":  "Image",
		"image_uri":     inst.String("image_uri"),
		"architectures": spec.StringListValue(inst.Strings("architectures")),
		"memory_size":   inst.Int("memory_size"),
		"timeout":       inst.Int("timeout"),
		"publish":       inst.Bool("publish"),
	}
	if secret, ok := inst.Attrs["environment"].(tfstate.Secret); ok {
		// The whole block was sensitive: kept as the Secret it is.
		p["environment"] = secret
	} else if env := inst.Block("environment"); env != nil {
		// Kept as is: a variable Terraform marked sensitive is a
		// tfstate.Secret, for the caller to refuse or turn into an input.
		if vars, ok := env["variables"].(map[string]any); ok && len(vars) > 0 {
			p["environment"] = vars
		}
	}
	if d := inst.String("description"); d != "" {
		p["description"] = d
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{
		ID:    name,
		Props: p,
		Attrs: map[string]string{"arn": inst.String("arn"), "name": name, "version": inst.String("version")},
	}, nil
}
