package lambdaalias

import (
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_lambda_alias"} }

// ImportKey implements tfstate.Importer: an alias is its function and name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) {
	return tfstate.Key(p, "function_name", "name")
}

// FromTerraform implements tfstate.Importer. Terraform takes a function
// name or ARN; the kind records the name.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("routing_config"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	function, _ := tfstate.FunctionName(inst.String("function_name"))
	name, version := inst.String("name"), inst.String("function_version")
	p := spec.Props{"function_name": function, "name": name, "function_version": version}
	if d := inst.String("description"); d != "" {
		p["description"] = d
	}
	return tfstate.Imported{
		ID:    id(function, name),
		Props: p,
		Attrs: map[string]string{"arn": inst.String("arn"), "name": name, "function_version": version},
	}, nil
}
