package spec

import (
	"fmt"
	"strings"
)

// Value resolves the stack's own values and inputs.
func (s *Spec) Value(expr string) (string, bool) {
	switch expr {
	case "project":
		return s.Project, true
	case "environment":
		return s.Environment, true
	case "region":
		return s.Region, true
	case "account_id":
		return s.AccountID, s.AccountID != ""
	}
	if name, ok := strings.CutPrefix(expr, "input."); ok {
		in, found := s.Inputs[name]
		return in.Value, found && in.Set
	}
	return "", false
}

// Resolve expands every template of a resource and converts resolved
// references to their field's type.
func (r *Resource) Resolve(schema Schema, lookup Lookup) (Props, error) {
	p, err := resolveObject(schema, r.Props, lookup, r.Name)
	if err != nil {
		return nil, err
	}
	return WithDefaults(schema, p), nil
}

func resolveObject(schema Schema, props Props, lookup Lookup, name string) (Props, error) {
	out := Props{}
	for k, v := range props {
		f := schema[k]
		if f.Type == Object {
			if m, ok := v.(map[string]any); ok {
				sub, err := resolveObject(f.Fields, Props(m), lookup, name)
				if err != nil {
					return nil, err
				}
				out[k] = map[string]any(sub)
				continue
			}
		}
		x, err := ExpandValue(v, lookup)
		if err != nil {
			return nil, fmt.Errorf("resource %s: %s: %w", name, k, err)
		}
		if s, ok := x.(string); ok && (f.Type == Int || f.Type == Bool) {
			if x, err = ConvertScalar(f.Type, s); err != nil {
				return nil, fmt.Errorf("resource %s: %s: %w", name, k, err)
			}
		}
		out[k] = x
	}
	return out, nil
}
