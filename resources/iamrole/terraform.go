package iamrole

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

const tfAttachment = "aws_iam_role_policy_attachment"

// TerraformTypes implements tfstate.Importer. An attachment is a resource
// of its own in Terraform and one of the role's managed_policy_arns here.
func (k *Kind) TerraformTypes() []string { return []string{"aws_iam_role", tfAttachment} }

// ImportKey implements tfstate.Importer: a role is its name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "name") }

// FromTerraform implements tfstate.Importer.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if inst.Type == tfAttachment {
		return tfstate.Imported{
			PartOf: spec.Props{"name": inst.String("role")},
			Props:  spec.Props{"managed_policy_arns": []any{inst.String("policy_arn")}},
		}, nil
	}
	if set := inst.SetAttrs("permissions_boundary"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	trust, err := inst.Document("assume_role_policy")
	if err != nil {
		return tfstate.Imported{}, fmt.Errorf("%s: assume_role_policy: %w", inst.Address, err)
	}
	name := inst.String("name")
	p := spec.Props{
		"name":                 name,
		"path":                 inst.String("path"),
		"assume_role_policy":   trust,
		"max_session_duration": inst.Int("max_session_duration"),
	}
	if d := inst.String("description"); d != "" {
		p["description"] = d
	}
	// The provider reads the attached policies back into
	// managed_policy_arns even when attachments made them: they are merged
	// with the attachments' as a set.
	if arns := inst.Strings("managed_policy_arns"); len(arns) > 0 {
		p["managed_policy_arns"] = spec.StringListValue(arns)
	}
	if t := inst.Tags(); t != nil {
		p["tags"] = t
	}
	return tfstate.Imported{
		ID:    name,
		Props: p,
		Attrs: map[string]string{"arn": inst.String("arn"), "name": name, "id": inst.String("unique_id")},
	}, nil
}
