package reconcile

import (
	"sort"
	"strings"
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
