package ssmparam

import (
	"strconv"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_ssm_parameter"} }

// ImportKey implements tfstate.Importer: a parameter is its name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

// FromTerraform implements tfstate.Importer. The value is a
// tfstate.Secret: the reader never keeps it.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("allowed_pattern"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	if dt := inst.String("data_type"); dt != "" && dt != "text" {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), "data_type")
	}
	name := inst.String("name")
	p := spec.Props{
		"name":        name,
		"type":        inst.String("type"),
		"description": inst.String("description"),
	}
	// insecure_value is the provider's non-sensitive twin of value: one
	// of the two is set.
	if v, ok := inst.Attrs["value"]; ok && v != nil {
		p["value"] = v
	} else if v := inst.String("insecure_value"); v != "" {
		p["value"] = v
	}
	if t := inst.String("tier"); t != "" {
		p["tier"] = t
	}
	// The AWS-managed key is what an unset key_id means (see observation).
	if key := inst.String("key_id"); key != "" && key != defaultKeyAlias {
		p["key_id"] = key
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{
		ID:    name,
		Props: p,
		Attrs: map[string]string{"arn": inst.String("arn"), "name": name, "version": strconv.FormatInt(inst.Int("version"), 10)},
	}, nil
}
