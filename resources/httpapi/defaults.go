package httpapi

import "github.com/trip-assistant/stack/reconcile"

// withDefaults returns p with every unset field holding its schema default,
// inside Object fields too. The engine's diff reads defaults on the fly but
// hands Create and Update the props as the spec wrote them; the kinds fill
// the gaps themselves so that an unset field converges to what the diff
// expects (a stage created without auto_deploy must still auto-deploy).
func withDefaults(s reconcile.Schema, p reconcile.Props) reconcile.Props {
	if p == nil {
		return nil
	}
	out := make(reconcile.Props, len(p)+len(s))
	for k, v := range p {
		out[k] = v
	}
	for name, f := range s {
		if _, ok := out[name]; !ok && f.Default != nil {
			out[name] = f.Default
		}
		if f.Type == reconcile.Object {
			if o := out.Object(name); o != nil {
				out[name] = map[string]any(withDefaults(f.Fields, o))
			}
		}
	}
	return out
}
