package planfile

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// value is one props value with its Go type, so that a decoded plan holds
// what the planned one held: JSON alone would turn int64 into float64,
// spec.Unknown into a map and a reconcile.Secret into "(sensitive)".
type value struct {
	T string          `json:"t"`
	V json.RawMessage `json:"v,omitempty"`
}

// Type tags. A value of any other Go type cannot be saved: the error names
// where it is, and the plan is not written.
const (
	tNull    = "null"
	tString  = "string"
	tInt64   = "int64"
	tInt     = "int"
	tFloat   = "float64"
	tBool    = "bool"
	tList    = "list"    // []any
	tStrings = "strings" // []string
	tMap     = "map"     // map[string]any
	tStrMap  = "strmap"  // map[string]string
	tProps   = "props"   // spec.Props
	tUnknown = "unknown" // spec.Unknown: V is its reference
	tSecret  = "secret"  // reconcile.Secret: V is its digest, never the value
)

func encodeValue(path string, v any) (value, error) {
	raw := func(t string, x any) (value, error) {
		b, err := json.Marshal(x)
		if err != nil {
			return value{}, fmt.Errorf("%s: %w", path, err)
		}
		return value{T: t, V: b}, nil
	}
	switch x := v.(type) {
	case nil:
		return value{T: tNull}, nil
	case string:
		return raw(tString, x)
	case int64:
		return raw(tInt64, x)
	case int:
		return raw(tInt, x)
	case float64:
		return raw(tFloat, x)
	case bool:
		return raw(tBool, x)
	case []string:
		return raw(tStrings, x)
	case map[string]string:
		return raw(tStrMap, x)
	case spec.Unknown:
		return raw(tUnknown, x.Ref)
	case reconcile.Secret:
		return raw(tSecret, x.Digest)
	case []any:
		out := make([]value, len(x))
		for i, e := range x {
			ev, err := encodeValue(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return value{}, err
			}
			out[i] = ev
		}
		return raw(tList, out)
	case map[string]any:
		m, err := encodeMap(path, x)
		if err != nil {
			return value{}, err
		}
		return raw(tMap, m)
	case spec.Props:
		m, err := encodeMap(path, x)
		if err != nil {
			return value{}, err
		}
		return raw(tProps, m)
	}
	return value{}, fmt.Errorf("%s: a value of type %T cannot be saved in a plan file", path, v)
}

func encodeMap(path string, m map[string]any) (map[string]value, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]value, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first bad value named is always the same one
	for _, k := range keys {
		v, err := encodeValue(join(path, k), m[k])
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func decodeValue(path string, v value) (any, error) {
	into := func(x any) error {
		if err := json.Unmarshal(v.V, x); err != nil {
			return fmt.Errorf("%s: a %s value: %w", path, v.T, err)
		}
		return nil
	}
	switch v.T {
	case tNull:
		return nil, nil
	case tString:
		var s string
		return s, into(&s)
	case tInt64:
		var n int64
		return n, into(&n)
	case tInt:
		var n int
		return n, into(&n)
	case tFloat:
		var f float64
		return f, into(&f)
	case tBool:
		var b bool
		return b, into(&b)
	case tStrings:
		var l []string
		return l, into(&l)
	case tStrMap:
		var m map[string]string
		return m, into(&m)
	case tUnknown:
		var ref string
		err := into(&ref)
		return spec.Unknown{Ref: ref}, err
	case tSecret:
		var d string
		err := into(&d)
		return reconcile.Secret{Digest: d}, err
	case tList:
		var l []value
		if err := into(&l); err != nil {
			return nil, err
		}
		out := make([]any, len(l))
		for i, e := range l {
			x, err := decodeValue(fmt.Sprintf("%s[%d]", path, i), e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case tMap, tProps:
		var m map[string]value
		if err := into(&m); err != nil {
			return nil, err
		}
		out, err := decodeMap(path, m)
		if v.T == tProps {
			return spec.Props(out), err
		}
		return out, err
	}
	return nil, fmt.Errorf("%s: unknown value type %q", path, v.T)
}

func decodeMap(path string, m map[string]value) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		x, err := decodeValue(join(path, k), v)
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	return out, nil
}

func encodeProps(path string, p spec.Props) (map[string]value, error) {
	return encodeMap(path, p)
}

func decodeProps(path string, m map[string]value) (spec.Props, error) {
	out, err := decodeMap(path, m)
	if out == nil {
		return nil, err
	}
	return spec.Props(out), err
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
