package lambdaperm

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var _ tfstate.Importer = (*Kind)(nil)

// TerraformTypes implements tfstate.Importer.
func (k *Kind) TerraformTypes() []string { return []string{"aws_lambda_permission"} }

// ImportKey implements tfstate.Importer: a permission is its statement in
// the policy of a function (or of one of its aliases).
func (k *Kind) ImportKey(p spec.Props) (string, bool) {
	return tfstate.Key(p, "function_name", "qualifier", "statement_id")
}

// FromTerraform implements tfstate.Importer. Terraform takes a function
// name or a (qualified) ARN as function_name; the qualifier the ARN holds
// counts as the permission's.
func (k *Kind) FromTerraform(inst *tfstate.Instance) (tfstate.Imported, error) {
	if set := inst.SetAttrs("source_account", "event_source_token", "principal_org_id", "function_url_auth_type"); len(set) > 0 {
		return tfstate.Imported{}, tfstate.ErrUnsupported(inst, k.Type(), set...)
	}
	function, arnQualifier := tfstate.FunctionName(inst.String("function_name"))
	q := inst.String("qualifier")
	switch {
	case q == "":
		q = arnQualifier
	case arnQualifier != "" && arnQualifier != q:
		return tfstate.Imported{}, fmt.Errorf("%s: function_name names qualifier %q and qualifier is %q", inst.Address, arnQualifier, q)
	}
	key := key{function: function, qualifier: q, sid: inst.String("statement_id")}
	p := spec.Props{
		"function_name": function,
		"statement_id":  key.sid,
		"action":        inst.String("action"),
		"principal":     inst.String("principal"),
	}
	if q != "" {
		p["qualifier"] = q
	}
	if s := inst.String("source_arn"); s != "" {
		p["source_arn"] = s
	}
	return tfstate.Imported{ID: key.id(), Props: p, Attrs: map[string]string{"statement_id": key.sid}}, nil
}
