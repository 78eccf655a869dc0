package reconcile

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Sensitive stands in for a secret in a rendered diff.
const Sensitive = "(sensitive)"

// diffOptions tune a comparison.
type diffOptions struct {
	Ignore []string // fields owned by someone else
	Manage []string // CreateOnly fields the spec takes back
	// SpecChanged includes SpecOnly fields: they differ only when the spec
	// changed them.
	SpecChanged bool
}

// ComputeDiff compares the desired props with the live ones field by field
// and returns what differs. Unset desired fields take their Default, or are
// left alone; ignored and CreateOnly fields are skipped, and so are
// SpecOnly fields (the engine includes them when the spec changed).
func ComputeDiff(schema spec.Schema, desired, live spec.Props, ignore []string) Diff {
	return computeDiff(schema, desired, live, diffOptions{Ignore: ignore})
}

func computeDiff(schema spec.Schema, desired, live spec.Props, o diffOptions) Diff {
	var out Diff
	diffObject(schema, desired, live, "", o, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func diffObject(schema spec.Schema, desired, live spec.Props, prefix string, o diffOptions, out *Diff) {
	for _, name := range slices.Sorted(maps.Keys(schema)) {
		f := schema[name]
		path := join(prefix, name)
		if slices.Contains(o.Ignore, path) {
			continue
		}
		if f.CreateOnly && !slices.Contains(o.Manage, path) {
			continue
		}
		if f.SpecOnly && !o.SpecChanged {
			continue
		}
		want, ok := desired[name]
		if !ok {
			if f.Default == nil {
				continue
			}
			want = f.Default
		}
		got := live[name]
		if f.Type == spec.Object {
			wm, wok := want.(map[string]any)
			if _, unknown := want.(spec.Unknown); !unknown && wok {
				gm, _ := got.(map[string]any)
				if len(wm) == 0 {
					// An empty object (the Default of an optional block)
					// means the block should not exist at all.
					if len(gm) > 0 {
						*out = append(*out, FieldDiff{Path: path, Before: got, After: nil, ForceNew: f.ForceNew})
					}
					continue
				}
				diffObject(f.Fields, spec.Props(wm), spec.Props(gm), path, o, out)
				continue
			}
		}
		if u, unknown := want.(spec.Unknown); unknown {
			var after any = u
			if f.Sensitive {
				after = Sensitive // the template may hold literal text
			}
			*out = append(*out, FieldDiff{Path: path, Before: renderable(f, got), After: after, Sensitive: f.Sensitive, ForceNew: f.ForceNew})
			continue
		}
		if fieldEqual(f, want, got) {
			continue
		}
		if f.DeclaredBy != "" {
			// Members being made are not live yet: only those the stack
			// does not declare differ, and apply removes them.
			*out = append(*out, FieldDiff{Path: path, Before: got, After: keptMembers(want, got)})
			continue
		}
		*out = append(*out, FieldDiff{Path: path, Before: renderable(f, got), After: renderable(f, want), Sensitive: f.Sensitive, ForceNew: f.ForceNew})
	}
}

// renderable hides secrets; everything else is shown as is.
func renderable(f spec.Field, v any) any {
	if f.Sensitive && v != nil {
		return Sensitive
	}
	return v
}

func fieldEqual(f spec.Field, want, got any) bool {
	if f.Sensitive {
		return got != nil && secretDigest(want) == secretDigest(got)
	}
	if f.DeclaredBy != "" {
		return len(undeclared(want, got)) == 0
	}
	if f.Equal != nil {
		if isEmpty(want) && isEmpty(got) {
			return true
		}
		if want == nil || got == nil {
			return false
		}
		return f.Equal(want, got)
	}
	switch f.Type {
	case spec.StringList:
		w, g := spec.ToStringList(want), spec.ToStringList(got)
		if f.Unordered {
			w, g = slices.Sorted(slices.Values(w)), slices.Sorted(slices.Values(g))
		}
		return slices.Equal(w, g)
	case spec.StringMap:
		w, g := spec.ToStringMap(want), spec.ToStringMap(got)
		if len(w) != len(g) {
			return false
		}
		for k, v := range w {
			if gv, ok := g[k]; !ok || gv != v {
				return false
			}
		}
		return true
	}
	if isEmpty(want) && isEmpty(got) {
		return true
	}
	return canonical(want) == canonical(got)
}

func asString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return canonical(v)
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	case string:
		return t == ""
	}
	return false
}

// canonical is a JSON encoding with sorted keys, so ints and floats of the
// same value, and maps in any order, compare equal.
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "\x00invalid"
	}
	return string(b)
}

// Digest is the digest of a resource's desired props as recorded in the
// state: sensitive values enter only as their own digest.
func Digest(schema spec.Schema, desired spec.Props) string {
	clean := make(map[string]any, len(desired))
	for k, v := range desired {
		if schema[k].DeclaredBy != "" {
			continue // the members' own resources record them
		}
		if schema[k].Sensitive {
			v = SecretDigest(asString(v))
		}
		clean[k] = v
	}
	return SecretDigest(canonical(clean))[len("sha256:"):][:16]
}

// hasUnknown reports whether any value in props is only known after apply.
func hasUnknown(p spec.Props) bool {
	for _, v := range p {
		switch t := v.(type) {
		case spec.Unknown:
			return true
		case map[string]any:
			if hasUnknown(spec.Props(t)) {
				return true
			}
		}
	}
	return false
}

// specDigestPrefix marks a digest of what the spec says (specDigest), as
// opposed to the digest of resolved values that earlier versions recorded.
const specDigestPrefix = "t"

// specDigest is what the state records of a resource: the digest of its
// props as the spec and its inputs give them, references to other
// resources left as written. It changes when the spec or an input changes,
// never because AWS changed a value a reference reads (a version published
// by hand): that is drift, not a spec change.
func specDigest(schema spec.Schema, sp *spec.Spec, r *spec.Resource, name string) string {
	return digestSpecProps(schema, sp, name, staticProps(sp, r, schema, false))
}

// digestSpecProps is specDigest of props already made static (staticProps),
// with the stack's ownership tags added as apply sends them.
func digestSpecProps(schema spec.Schema, sp *spec.Spec, name string, props spec.Props) string {
	injectTags(schema, props, sp, name)
	return specDigestPrefix + Digest(schema, props)
}

// sameSpec reports whether a recorded digest says the spec is as it was
// when the resource was last applied. A digest of an earlier version is
// compared with the resolved desired props, as that version did.
func sameSpec(recorded, current string, schema spec.Schema, desired spec.Props) bool {
	if strings.HasPrefix(recorded, specDigestPrefix) {
		return recorded == current
	}
	return !hasUnknown(desired) && recorded == Digest(schema, desired)
}
