package iamrole

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	pathPattern = regexp.MustCompile(`^/([\x21-\x7E]{1,510}/)?$`)
)

// Schema implements reconcile.Kind.
func (k *Kind) Schema() spec.Schema {
	return spec.Schema{
		"name": {
			Type: spec.String, Required: true, ForceNew: true, Check: checkName,
			Doc: "Role name, 1 to 64 letters, digits and +=,.@_-.",
		},
		"path": {
			Type: spec.String, Default: "/", ForceNew: true, Check: checkPath,
			Doc: `Path the role lives under, "/" or "/a/b/".`,
		},
		"assume_role_policy": {
			Type: spec.Document, Required: true, Equal: policydoc.Equal, Check: checkTrust,
			Doc: "Trust policy. A statement trusting GitHub Actions must pin aud to sts.amazonaws.com and sub to one repository.",
		},
		"description": {
			Type: spec.String, Check: checkDescription,
			Doc: "What the role is for.",
		},
		"max_session_duration": {
			Type: spec.Int, Default: int64(3600), Check: checkMaxSession,
			Doc: "Longest session, in seconds, 3600 to 43200.",
		},
		"managed_policy_arns": {
			Type: spec.StringList, Unordered: true, Default: []any{}, Exclusive: true, Check: checkPolicyARNs,
			Doc: "ARNs of the managed policies attached to the role, owned exclusively: any other attached policy is drift and is detached (unset: none).",
		},
		"inline_policies": {
			Type: spec.StringList, Unordered: true, DeclaredBy: "iam.role_policy",
			Doc: "Names of the role's inline policies, owned exclusively: set by the iam.role_policy resources of the role; any other inline policy is drift and is deleted.",
		},
		"tags": {
			Type: spec.StringMap,
			Doc:  "Tags on the role.",
		},
	}
}

func checkName(v any) error {
	s, _ := v.(string)
	if !namePattern.MatchString(s) {
		return fmt.Errorf("expected 1 to 64 characters from letters, digits and +=,.@_-, got %q", s)
	}
	return nil
}

func checkPath(v any) error {
	s, _ := v.(string)
	if !pathPattern.MatchString(s) {
		return fmt.Errorf(`expected a path that starts and ends with "/" (at most 512 characters), got %q`, s)
	}
	return nil
}

func checkDescription(v any) error {
	s, _ := v.(string)
	if len([]rune(s)) > 1000 {
		return fmt.Errorf("expected at most 1000 characters, got %d", len([]rune(s)))
	}
	return nil
}

func checkMaxSession(v any) error {
	n := spec.Props{"v": v}.Int("v")
	if n < 3600 || n > 43200 {
		return fmt.Errorf("expected an integer between 3600 and 43200 seconds, got %v", v)
	}
	return nil
}

func checkPolicyARNs(v any) error {
	for _, a := range spec.ToStringList(v) {
		if strings.Contains(a, "${") {
			continue
		}
		if !strings.HasPrefix(a, "arn:") || !strings.Contains(a, ":policy/") {
			return fmt.Errorf("expected managed policy ARNs (arn:aws:iam::ACCOUNT:policy/NAME), got %q", a)
		}
	}
	return nil
}

func checkTrust(v any) error {
	if _, err := policydoc.Marshal(v); err != nil {
		return err
	}
	return policydoc.CheckGitHubTrust(v)
}
