package kindkit

import (
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Merged is the observation after an update: the live one with the changed
// fields set to their desired values. live's props are copied, not changed.
func Merged(live reconcile.Observation, desired spec.Props, changed func(string) bool) reconcile.Observation {
	props := spec.Props{}
	for k, v := range live.Props {
		props[k] = v
	}
	for k, v := range desired {
		if changed(k) {
			props[k] = v
		}
	}
	live.Props = props
	return live
}

// StringOr returns the string at key, or def when it is empty or absent.
func StringOr(p spec.Props, key, def string) string {
	if s := p.String(key); s != "" {
		return s
	}
	return def
}
