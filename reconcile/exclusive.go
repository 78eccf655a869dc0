package reconcile

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Attachment is implemented by kinds whose resources are members of
// another resource's exclusive set (a spec.Field with DeclaredBy naming
// this kind's type): an inline policy of a role, a permission statement of
// a function, a route of an API. The parent's kind reads every member AWS
// holds; the engine tells it which ones the stack declares, and the rest
// are drift that the parent's Update removes.
type Attachment interface {
	// AttachmentKey names the member a resource is, as the parent's kind
	// lists it, from its recorded id ("" if none) or its desired props
	// (references to other resources are Unknown). ok is false while it
	// cannot be told (an id AWS assigns on create).
	AttachmentKey(id string, desired spec.Props) (key string, ok bool)
}

// declaredSets collects, for every resource whose kind has exclusive sets,
// the members the stack declares: the resources of each set's DeclaredBy
// type that depend on it, whether the spec or only the state knows them
// (a member being deleted is the member's own business, not drift of the
// parent). The result is by resource name, then field.
func declaredSets(sp *spec.Spec, nodes map[string]*node) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(nodes)) {
		m := nodes[name]
		att, ok := m.kind.(Attachment)
		if !ok {
			continue
		}
		id := ""
		if m.state != nil {
			id = m.state.ID
		}
		var props spec.Props
		if m.res != nil {
			props = staticProps(sp, m.res, m.kind.Schema(), true)
		}
		for _, d := range m.deps {
			parent := nodes[d]
			if parent == nil || parent.res == nil {
				continue
			}
			for field, f := range parent.kind.Schema() {
				if f.DeclaredBy != m.kind.Type() {
					continue
				}
				key, ok := att.AttachmentKey(id, props)
				if !ok {
					// A member not yet told apart (an id AWS assigns on
					// create, or one a killed run made and the plan is
					// adopting) could be any live member: this plan does
					// not enforce the set.
					key = undecided
				}
				if out[d] == nil {
					out[d] = map[string][]string{}
				}
				if !slices.Contains(out[d][field], key) {
					out[d][field] = append(out[d][field], key)
					sort.Strings(out[d][field])
				}
			}
		}
	}
	return out
}

// fillDeclared sets every exclusive set of desired to the members declared.
// A set one of whose members is undecided is left out of desired, so the
// diff does not compare it: removing "extras" then could remove the very
// member being adopted. The next plan, with the member recorded, does.
func fillDeclared(schema spec.Schema, desired spec.Props, declared map[string][]string) {
	if desired == nil {
		return
	}
	for field, f := range schema {
		if f.DeclaredBy == "" {
			continue
		}
		if slices.Contains(declared[field], undecided) {
			delete(desired, field)
			continue
		}
		desired[field] = spec.StringListValue(append([]string{}, declared[field]...))
	}
}

// undecided stands in a declared set for a member whose key is not known.
const undecided = "\x00undecided"

// copyDeclared carries the exclusive sets a plan decided into props
// resolved again at apply time.
func copyDeclared(schema spec.Schema, desired, planned spec.Props) {
	for field, f := range schema {
		if f.DeclaredBy != "" {
			if v, ok := planned[field]; ok {
				desired[field] = v
			}
		}
	}
}

// undeclared returns the live members of an exclusive set that the stack
// does not declare.
func undeclared(want, got any) []string {
	w := spec.ToStringList(want)
	var out []string
	for _, g := range spec.ToStringList(got) {
		if !slices.Contains(w, g) {
			out = append(out, g)
		}
	}
	return out
}

// keptMembers is got without the undeclared members: what the set holds
// once apply removed them.
func keptMembers(want, got any) []any {
	extra := undeclared(want, got)
	out := []any{}
	for _, g := range spec.ToStringList(got) {
		if !slices.Contains(extra, g) {
			out = append(out, g)
		}
	}
	return out
}

// staticProps are a resource's props with the stack's own values and its
// inputs resolved and references to other resources left as written
// (unknown when unknownRefs): what the spec says, before AWS says anything.
func staticProps(sp *spec.Spec, r *spec.Resource, schema spec.Schema, unknownRefs bool) spec.Props {
	lookup := func(expr string) (string, bool) {
		if v, ok := sp.Value(expr); ok {
			return v, true
		}
		if unknownRefs || !strings.Contains(expr, ".") || strings.HasPrefix(expr, "input.") {
			return "", false
		}
		return "${" + expr + "}", true
	}
	out := spec.Props{}
	for k, v := range r.Props {
		x, err := spec.ExpandValue(v, lookup)
		if err != nil {
			x = v
		}
		out[k] = x
	}
	return spec.WithDefaults(schema, out)
}
