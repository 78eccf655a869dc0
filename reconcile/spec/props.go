package spec

import "fmt"

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
