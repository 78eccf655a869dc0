package lambdaperm

import (
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile/spec"
)

var statementIDPattern = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,100}$`)

// Schema implements reconcile.Kind. Every field is ForceNew: Lambda has no
// call that changes a statement.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"function_name": {Type: spec.String, Required: true, ForceNew: true,
			Doc: "name of the function"},
		"qualifier": {Type: spec.String, ForceNew: true,
			Doc: "alias (or version) the permission covers; unset covers the unqualified function"},
		"statement_id": {Type: spec.String, Required: true, ForceNew: true, Check: checkStatementID,
			Doc: "statement id, unique in the policy: 1 to 100 letters, digits, dots, hyphens or underscores"},
		"action": {Type: spec.String, Default: "lambda:InvokeFunction", ForceNew: true,
			Doc: "action allowed"},
		"principal": {Type: spec.String, Required: true, ForceNew: true,
			Doc: "service (apigateway.amazonaws.com) or account allowed"},
		"source_arn": {Type: spec.String, ForceNew: true,
			Doc: "ARN the call must come from (an API's execute-api ARN)"},
	}
}

func checkStatementID(v any) error {
	s, _ := v.(string)
	if !statementIDPattern.MatchString(s) {
		return fmt.Errorf("expected 1 to 100 letters, digits, dots, hyphens or underscores, got %q", s)
	}
	return nil
}
