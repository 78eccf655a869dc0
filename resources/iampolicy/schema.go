package iampolicy

import (
	"fmt"
	"regexp"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

var (
	roleNamePattern   = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	policyNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
)

// Schema implements reconcile.Kind.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"role": {
			Type: spec.String, Required: true, ForceNew: true, Check: checkRole,
			Doc: "Name of the role the policy belongs to, usually ${some_role.name}.",
		},
		"name": {
			Type: spec.String, Required: true, ForceNew: true, Check: checkName,
			Doc: "Policy name, 1 to 128 letters, digits and +=,.@_-.",
		},
		"policy": {
			Type: spec.Document, Required: true, Equal: policydoc.Equal, Check: checkPolicy,
			Doc: "Policy document. Allow statements must name their resources (no \"*\").",
		},
	}
}

func checkRole(v any) error {
	s, _ := v.(string)
	if !roleNamePattern.MatchString(s) {
		return fmt.Errorf("expected a role name of 1 to 64 characters from letters, digits and +=,.@_-, got %q", s)
	}
	return nil
}

func checkName(v any) error {
	s, _ := v.(string)
	if !policyNamePattern.MatchString(s) {
		return fmt.Errorf("expected 1 to 128 characters from letters, digits and +=,.@_-, got %q", s)
	}
	return nil
}

func checkPolicy(v any) error {
	if _, err := policydoc.Marshal(v); err != nil {
		return err
	}
	return policydoc.CheckLeastPrivilege(v)
}
