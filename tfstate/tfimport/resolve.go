package tfimport

import (
	"fmt"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// resolve expands the ${...} expressions of a resource's props as far as
// lookup knows them, field by field, with the spec's own interpolation: a
// field with an expression lookup cannot tell (or a malformed one) becomes
// spec.Unknown, which ImportKey reports as not known.
func resolve(p spec.Props, lookup spec.Lookup) spec.Props {
	out := make(spec.Props, len(p))
	for k, v := range p {
		x, err := spec.ExpandValue(v, lookup)
		if err != nil {
			x = spec.Unknown{Ref: fmt.Sprint(v)}
		}
		out[k] = x
	}
	return out
}
