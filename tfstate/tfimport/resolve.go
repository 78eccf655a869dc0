package tfimport

import (
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// resolve expands the ${...} expressions of a spec value as far as lookup
// knows them: a string with an expression lookup cannot tell becomes
// spec.Unknown, which ImportKey reports as not known. It follows the
// spec's template syntax (reconcile/interp.go, not exported): "$${" is a
// literal "${".
func resolve(v any, lookup func(expr string) (string, bool)) any {
	switch x := v.(type) {
	case string:
		return resolveString(x, lookup)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolve(e, lookup)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = resolve(e, lookup)
		}
		return out
	case spec.Props:
		out := make(spec.Props, len(x))
		for k, e := range x {
			out[k] = resolve(e, lookup)
		}
		return out
	}
	return v
}

func resolveString(s string, lookup func(string) (string, bool)) any {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(s[i:], "$${") {
			b.WriteString("${")
			i += 2
			continue
		}
		if !strings.HasPrefix(s[i:], "${") {
			b.WriteByte(s[i])
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return spec.Unknown{Ref: s}
		}
		v, ok := lookup(strings.TrimSpace(s[i+2 : i+end]))
		if !ok {
			return spec.Unknown{Ref: s}
		}
		b.WriteString(v)
		i += end
	}
	return b.String()
}
