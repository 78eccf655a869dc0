package reconcile

import (
	"fmt"
	"sort"
	"strings"
)

// Ownership tags the engine adds to every kind whose schema has a "tags"
// field: they let a later run find what a killed run created but did not
// record, and tell the stack's resources from others sharing its prefix.
const (
	TagStack = "reconcile:stack" // "<project>/<environment>"
	TagName  = "reconcile:name"  // the logical name in the spec
)

// FieldDiff is one attribute whose live value differs from the desired one.
type FieldDiff struct {
	Path      string `json:"path"` // as the spec names it: "cors.allow_origins"
	Before    any    `json:"before"`
	After     any    `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
	ForceNew  bool   `json:"force_new,omitempty"`
}

// Diff lists the fields that differ, sorted by path.
type Diff []FieldDiff

// Has reports whether path, or a field below it, differs.
func (d Diff) Has(path string) bool {
	for _, f := range d {
		if f.Path == path || strings.HasPrefix(f.Path, path+".") {
			return true
		}
	}
	return false
}

// Paths returns the differing paths.
func (d Diff) Paths() []string {
	out := make([]string, 0, len(d))
	for _, f := range d {
		out = append(out, f.Path)
	}
	return out
}

// String returns the string at key, "" when unset.
func (p Props) String(key string) string {
	s, _ := p[key].(string)
	return s
}

// Int returns the integer at key, 0 when unset.
func (p Props) Int(key string) int64 {
	switch v := p[key].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case int32:
		return int64(v)
	}
	return 0
}

// Bool returns the boolean at key, false when unset.
func (p Props) Bool(key string) bool {
	b, _ := p[key].(bool)
	return b
}

// Has reports whether key is set.
func (p Props) Has(key string) bool {
	_, ok := p[key]
	return ok
}

// StringList returns the string list at key.
func (p Props) StringList(key string) []string {
	return ToStringList(p[key])
}

// StringMap returns the string map at key (tags, environment variables).
func (p Props) StringMap(key string) map[string]string {
	return ToStringMap(p[key])
}

// Object returns the nested object at key, nil when unset.
func (p Props) Object(key string) Props {
	switch v := p[key].(type) {
	case map[string]any:
		return Props(v)
	case Props:
		return v
	}
	return nil
}

// ToStringList converts a JSON-like list of strings.
func ToStringList(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// ToStringMap converts a JSON-like map of strings.
func ToStringMap(v any) map[string]string {
	switch m := v.(type) {
	case map[string]string:
		return m
	case map[string]any:
		out := make(map[string]string, len(m))
		for k, e := range m {
			out[k] = fmt.Sprint(e)
		}
		return out
	case Props:
		return ToStringMap(map[string]any(m))
	}
	return nil
}

// StringListValue converts to the JSON-like form Observe reports.
func StringListValue(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// StringMapValue converts to the JSON-like form Observe reports.
func StringMapValue(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// TagChanges says which tags to set and which keys to remove to turn got
// into want.
func TagChanges(want, got map[string]string) (set map[string]string, remove []string) {
	set = map[string]string{}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			set[k] = v
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			remove = append(remove, k)
		}
	}
	sort.Strings(remove)
	return set, remove
}

// WithDefaults returns p with every unset field holding its schema Default,
// inside Object fields too. The engine hands kinds desired props with
// defaults filled, so what Create and Update send is what the diff expects.
func WithDefaults(s Schema, p Props) Props {
	if p == nil {
		return nil
	}
	out := make(Props, len(p)+len(s))
	for k, v := range p {
		out[k] = v
	}
	for name, f := range s {
		if _, ok := out[name]; !ok && f.Default != nil {
			out[name] = f.Default
		}
		if f.Type == Object {
			// An empty object stands for "no such block": it stays empty.
			if o := out.Object(name); len(o) > 0 {
				out[name] = map[string]any(WithDefaults(f.Fields, o))
			}
		}
	}
	return out
}
