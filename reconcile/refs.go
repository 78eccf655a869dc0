package reconcile

import (
	"maps"
	"strings"
	"sync"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// attributes holds what ${name.attr} resolves to for the resources whose
// attributes are known so far, by logical name. Plan fills it as it
// classifies, apply as it makes: both read references through it.
type attributes struct {
	mu sync.Mutex
	m  map[string]map[string]string
}

func newAttributes() *attributes { return &attributes{m: map[string]map[string]string{}} }

// set records a resource's attributes; nil means none is known.
func (a *attributes) set(name string, attrs map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if attrs == nil {
		delete(a.m, name)
		return
	}
	a.m[name] = attrs
}

func (a *attributes) get(name, attr string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.m[name][attr]
	return v, ok
}

// references is the one reference lookup of plan and apply: the stack's own
// values and inputs come from the spec, ${name.attr} from known.
func references(sp *spec.Spec, known *attributes) spec.Lookup {
	return func(expr string) (string, bool) {
		if v, ok := sp.Value(expr); ok || !strings.Contains(expr, ".") || strings.HasPrefix(expr, "input.") {
			return v, ok
		}
		name, attr, _ := strings.Cut(expr, ".")
		return known.get(name, attr)
	}
}

// plannedAttributes are the attributes of a planned change that dependents
// may read while planning: none for what apply makes, replaces or deletes,
// and for an update not those the update itself changes (a function's
// version), which only apply can tell.
func plannedAttributes(c *Change, k Kind) map[string]string {
	if !c.Live.Exists || c.Action == Create || c.Action == Replace || c.Action == Delete {
		return nil
	}
	attrs := c.Live.Attrs
	if v, ok := k.(AttrsChangedByUpdate); ok && c.Action == Update {
		attrs = maps.Clone(attrs)
		for _, a := range v.AttrsChangedByUpdate() {
			delete(attrs, a)
		}
	}
	if attrs == nil {
		attrs = map[string]string{}
	}
	return attrs
}
