package lambdaalias

import (
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// AWS's pattern is (?!^[0-9]+$)([a-zA-Z0-9-_]+); Go's regexp has no
// lookahead, so the all-digits case (a version number) is checked apart.
var (
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,128}$`)
	allDigits   = regexp.MustCompile(`^[0-9]+$`)
)

// Schema implements reconcile.Kind.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"function_name": {Type: spec.String, Required: true, ForceNew: true,
			Doc: "name of the function the alias belongs to"},
		"name": {Type: spec.String, Required: true, ForceNew: true, Check: checkName,
			Doc: "alias name: 1 to 128 letters, digits, hyphens or underscores, not only digits"},
		"function_version": {Type: spec.String, Required: true,
			Doc: "published version the alias points to"},
		"description": {Type: spec.String,
			Doc: "description"},
		"permissions": {Type: spec.StringList, Unordered: true, DeclaredBy: "lambda.permission",
			Doc: "owned exclusively: the statement ids of the alias's resource policy; a statement no lambda.permission of the stack declares is drift, and apply removes it"},
	}
}

func checkName(v any) error {
	s, _ := v.(string)
	if !namePattern.MatchString(s) || allDigits.MatchString(s) {
		return fmt.Errorf("expected 1 to 128 letters, digits, hyphens or underscores, not only digits, got %q", s)
	}
	return nil
}
