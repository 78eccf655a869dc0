package iampolicy

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_iam_role_policy"} }

// ImportKey implements tfstate.Importer: a policy is its role and name.
func (k *Kind) ImportKey(p spec.Props) (string, bool) { return tfstate.Key(p, "role", "name") }

// FromTerraform implements tfstate.Importer.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	doc, err := inst.Document("policy")
	if err != nil {
		return tfstate.Imported{}, fmt.Errorf("%s: policy: %w", inst.Address, err)
	}
	role, name := inst.String("role"), inst.String("name")
	return tfstate.Imported{
		ID:    ID(role, name),
		Props: spec.Props{"role": role, "name": name, "policy": doc},
		Attrs: map[string]string{"name": name, "role": role},
	}, nil
}
