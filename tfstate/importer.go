package tfstate

import (
	"fmt"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Importer is implemented by kinds that can take over resources Terraform
// manages. It reads nothing from AWS: everything comes from the state.
type Importer interface {
	// TerraformTypes lists the Terraform resource types the kind takes,
	// aws_lambda_function; a type whose instances are fields of the kind's
	// resources (aws_ecr_lifecycle_policy) is listed too.
	TerraformTypes() []string
	// FromTerraform says what one managed instance of those types is in
	// the kind's terms. An error says why the kind cannot take it (a zip
	// function, an attribute the kind has no field for).
	FromTerraform(inst *Instance) (Imported, error)
	// ImportKey tells which live resource a resource is, from its props
	// (an imported resource's, or a spec resource's with its references
	// resolved): two resources are the same when their keys are. ok is
	// false when a field the identity needs is not known (it holds
	// spec.Unknown or is missing).
	ImportKey(p spec.Props) (key string, ok bool)
}

// Imported is a Terraform instance in a kind's terms.
type Imported struct {
	// ID is the physical id exactly as the kind records it in state.
	ID string
	// Props are the instance's values named as the spec names them.
	// A sensitive value is a Secret.
	Props spec.Props
	// Attrs hold what ${name.attr} resolves to, by the kind's attribute
	// names.
	Attrs map[string]string
	// PartOf is set when the instance is a field of another resource in
	// the kind (aws_ecr_lifecycle_policy is the lifecycle_policy of an
	// ecr.repository, aws_iam_role_policy_attachment one of an iam.role's
	// managed_policy_arns): the props of that resource that ImportKey
	// needs to find it. Props are then merged into that resource (lists
	// joined as sets, other fields set), and ID and Attrs are empty.
	PartOf spec.Props
}

// ErrUnsupported builds the error of a FromTerraform that cannot express
// an attribute the instance sets: importing it would lose the setting.
func ErrUnsupported(inst *Instance, kind string, attrs ...string) error {
	return fmt.Errorf("%s sets %s, which %s has no field for", inst.Address, strings.Join(attrs, ", "), kind)
}

// SetAttrs lists which of names the instance sets to something other than
// null, "", false, 0 or an empty list or map, for ErrUnsupported.
func (i *Instance) SetAttrs(names ...string) []string {
	var out []string
	for _, n := range names {
		switch v := i.Attrs[n].(type) {
		case nil:
		case string:
			if v != "" {
				out = append(out, n)
			}
		case bool:
			if v {
				out = append(out, n)
			}
		case int64:
			if v != 0 {
				out = append(out, n)
			}
		case []any:
			if len(v) > 0 {
				out = append(out, n)
			}
		case map[string]any:
			if len(v) > 0 {
				out = append(out, n)
			}
		default:
			out = append(out, n)
		}
	}
	return out
}

// Key joins identity values into an ImportKey; ok is false when one is
// not a known string.
func Key(p spec.Props, fields ...string) (string, bool) {
	parts := make([]string, len(fields))
	for n, f := range fields {
		v, present := p[f]
		if !present || v == nil {
			continue // unset: "" (a permission's unset qualifier)
		}
		s, ok := v.(string)
		if !ok {
			return "", false
		}
		parts[n] = s
	}
	return strings.Join(parts, "\x00"), true
}

// Tags returns the tags the configuration set (tags, not the provider's
// tags_all, which adds default_tags), as a spec value; nil when none.
func (i *Instance) Tags() map[string]any {
	t := i.StringMap("tags")
	if len(t) == 0 {
		return nil
	}
	return spec.StringMapValue(t)
}
