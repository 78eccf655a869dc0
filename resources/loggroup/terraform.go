package loggroup

import (
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_cloudwatch_log_group"} }

// ImportKey implements tfstate.Importer: a log group is its name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

// FromTerraform implements tfstate.Importer.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if c := inst.String("log_group_class"); c != "" && c != "STANDARD" {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), "log_group_class")
	}
	name := inst.String("name")
	p := spec.Props{
		"name":           name,
		"retention_days": inst.Int("retention_in_days"),
		"kms_key_id":     inst.String("kms_key_id"),
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	// The provider's arn has no ":*" suffix, as the kind's attribute.
	return tfstate.Imported{ID: name, Props: p, Attrs: map[string]string{"arn": inst.String("arn"), "name": name}}, nil
}
