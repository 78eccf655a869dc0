package spec

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Props are a resource's properties named as the spec names them. Values are
// JSON-like: string, int64, bool, []any, map[string]any, or Unknown for a
// value that only an apply can tell (a reference to a resource not yet made).
type Props map[string]any

// Unknown stands for a value known only after apply.
type Unknown struct{ Ref string }

// FieldType is the type a spec field must have.
type FieldType int

const (
	String     FieldType = iota + 1
	Int                  // int64 after decoding
	Bool                 // bool
	StringList           // []any of string
	StringMap            // map[string]any of string
	Document             // any JSON-like value (IAM policy, lifecycle rules): interpolated, compared by Field.Equal
	Object               // nested fields given by Field.Fields
)

// Field describes one property of a resource kind. The engine validates the
// spec against it, diffs desired and live values with it and renders the diff.
type Field struct {
	Type     FieldType
	Required bool
	// Default fills an unset field, so an unset field still converges: the
	// engine fills it before diffing and before Create and Update. Without
	// a Default an unset field is left alone. A Default meaning "none" ("",
	// 0, an empty object) makes removing the field from the spec remove it
	// from AWS.
	Default any
	// Sensitive values are never rendered, logged or recorded: the engine
	// compares SecretDigest of the desired and the live value. Observe
	// reports the plain live value; it stays in memory. A value derived from
	// a sensitive input may only be given to a Sensitive field.
	Sensitive bool
	// ForceNew: a change can only be made by replacing the resource.
	ForceNew bool
	// Unordered string lists are compared as sets.
	Unordered bool
	// Enum restricts a String field.
	Enum []string
	// Check validates a fully known value (AWS naming rules, ranges). The
	// error text is shown after the field path.
	Check func(v any) error
	// Equal compares desired and live when plain equality is wrong (AWS
	// rewrites IAM and lifecycle JSON). Nil means structural equality.
	Equal func(want, got any) bool
	// SpecOnly fields are sent to AWS but never reported as drift: a change
	// is made only when the spec changes (OIDC thumbprints).
	SpecOnly bool
	// CreateOnly fields are sent on create and never diffed afterwards unless
	// the spec lists them in `manage` (an image owned by CD after creation).
	CreateOnly bool
	// DeclaredBy makes a StringList field an exclusive set: the live value
	// lists every attachment AWS holds under the resource (inline policy
	// names, permission statement ids, routes...), each declared by a
	// resource of the type named here that depends on this one, and any
	// other is drift that Update removes. The engine fills the desired
	// value; the spec cannot set it, only `ignore` it.
	DeclaredBy string
	// Exclusive marks a field that holds something anyone could attach to
	// the resource out of band (a managed policy, a repository policy, a
	// subscription filter): the spec's value, or its Default meaning none,
	// is all there may be, and anything else AWS holds is drift. The diff
	// already works so; the flag says it in the README's kind reference.
	Exclusive bool
	// Fields of an Object.
	Fields Schema
	// Doc is one line for the README's reference.
	Doc string
}

// Schema maps a kind's spec field names to their description.
type Schema map[string]Field

// TypeSchema is what the spec needs to know of a resource type to load and
// validate a resource of it: the fields it may set and the attributes
// others may reference. Every reconcile.Kind is one.
type TypeSchema interface {
	Schema() Schema
	Attributes() []string
}

// MarshalJSON renders an unknown value as {"unknown": true, "ref": "..."}.
func (u Unknown) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Unknown bool   `json:"unknown"`
		Ref     string `json:"ref"`
	}{true, u.Ref})
}

// LookupField finds a field by dotted path.
func LookupField(s Schema, path string) (Field, bool) {
	head, rest, nested := strings.Cut(path, ".")
	f, ok := s[head]
	if !ok {
		return Field{}, false
	}
	if !nested {
		return f, true
	}
	if f.Type != Object {
		return Field{}, false
	}
	return LookupField(f.Fields, rest)
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

// ConvertScalar turns a resolved reference into the field's type.
func ConvertScalar(t FieldType, s string) (any, error) {
	switch t {
	case Int:
		var v int64
		if _, err := fmt.Sscan(s, &v); err != nil {
			return nil, fmt.Errorf("expected an integer, got %q", s)
		}
		return v, nil
	case Bool:
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("expected true or false, got %q", s)
	}
	return s, nil
}
