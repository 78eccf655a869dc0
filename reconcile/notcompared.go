package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// NotCompared is a field a plan leaves out of its comparison: its value
// comes from an input whose environment variable is unset, as in a drift
// check run without the secret (spec.LoadOptions.AllowUnsetInputs). The
// rest of the resource is compared as usual; a plan holding one cannot be
// applied.
type NotCompared struct {
	Path   string `json:"path"`   // as the spec names it
	Reason string `json:"reason"` // "OPENAI_API_KEY unset"
}

// String is the note a plan shows.
func (n NotCompared) String() string { return fmt.Sprintf("not compared (%s)", n.Reason) }

// unsetInputs lists the fields of a spec resource whose value uses an input
// that is not set, with the variables they wait for.
func unsetInputs(sp *spec.Spec, schema spec.Schema, props spec.Props, prefix string) []NotCompared {
	var out []NotCompared
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v, f, path := props[k], schema[k], join(prefix, k)
		if m, ok := v.(map[string]any); ok && f.Type == spec.Object {
			out = append(out, unsetInputs(sp, f.Fields, spec.Props(m), path)...)
			continue
		}
		var envs []string
		// Answer every expression so that every one is seen: an earlier
		// unknown would stop the expansion.
		_, _ = spec.ExpandValue(v, func(expr string) (string, bool) {
			if name, ok := strings.CutPrefix(expr, "input."); ok {
				if in, found := sp.Inputs[name]; found && !in.Set && !slices.Contains(envs, in.Env) {
					envs = append(envs, in.Env)
				}
			}
			return "", true
		})
		if len(envs) > 0 {
			slices.Sort(envs)
			out = append(out, NotCompared{Path: path, Reason: strings.Join(envs, ", ") + " unset"})
		}
	}
	return out
}

func notComparedPaths(nc []NotCompared) []string {
	out := make([]string, len(nc))
	for i, n := range nc {
		out[i] = n.Path
	}
	return out
}

// specDigestAssuming is specDigest with the fields not compared taken as
// they are live: whether the rest of the spec changed since it was applied
// can still be told (a spec change, or drift) without the unset value.
func specDigestAssuming(schema spec.Schema, sp *spec.Spec, r *spec.Resource, name string, nc []NotCompared, live spec.Props) string {
	props := staticProps(sp, r, schema, false)
	for _, n := range nc {
		v, _ := getPath(live, n.Path)
		switch v.(type) {
		case string, nil:
		default:
			// The spec held a template: its expansion is text.
			v = fmt.Sprint(v)
		}
		setPath(props, n.Path, v)
	}
	return digestSpecProps(schema, sp, name, props)
}

// withoutPaths is a copy of p without the fields at paths.
func withoutPaths(p spec.Props, paths []string) spec.Props {
	if len(paths) == 0 {
		return p
	}
	out := maps.Clone(p)
	for _, path := range paths {
		head, rest, nested := strings.Cut(path, ".")
		if !nested {
			delete(out, head)
			continue
		}
		if m, ok := out[head].(map[string]any); ok {
			out[head] = map[string]any(withoutPaths(spec.Props(m), []string{rest}))
		}
	}
	return out
}

func getPath(p spec.Props, path string) (any, bool) {
	head, rest, nested := strings.Cut(path, ".")
	v, ok := p[head]
	if !nested || !ok {
		return v, ok
	}
	m, _ := v.(map[string]any)
	return getPath(spec.Props(m), rest)
}

func setPath(p spec.Props, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		p[head] = v
		return
	}
	m, ok := p[head].(map[string]any)
	if !ok {
		m = map[string]any{}
	}
	m = maps.Clone(m)
	setPath(spec.Props(m), rest, v)
	p[head] = m
}
