package policydoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Decode parses a policy document as GetRole and GetRolePolicy return it:
// URL-encoded JSON (RFC 3986). A document that is already plain JSON is
// accepted too, since some emulators do not encode. Numbers become int64
// when integral, as every Observe reports them.
func Decode(urlEncodedJSON string) (map[string]any, error) {
	text := strings.TrimSpace(urlEncodedJSON)
	if !strings.HasPrefix(text, "{") {
		// PathUnescape, not QueryUnescape: RFC 3986 encodes a space as
		// %20, and a literal "+" in a document must stay a "+".
		unescaped, err := url.PathUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("cannot URL-decode policy document: %w", err)
		}
		text = unescaped
	}
	v, err := parse(text)
	if err != nil {
		return nil, err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy document is a %T, not a JSON object", v)
	}
	return doc, nil
}

// Marshal renders a document for PutRolePolicy, CreateRole and
// UpdateAssumeRolePolicy. A string is taken to be JSON already and is
// returned unchanged once it parses.
func Marshal(doc any) (string, error) {
	if s, ok := doc.(string); ok {
		if _, err := parse(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Keep "<", ">" and "&" readable in what AWS stores and shows.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("cannot encode policy document: %w", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// Equal reports whether two documents grant the same thing. Each side may be
// a JSON-like value (map[string]any) or a JSON string, plain or URL-encoded.
// Anything that cannot be read as a policy is unequal to everything.
func Equal(want, got any) bool {
	w, err := text(want)
	if err != nil {
		return false
	}
	g, err := text(got)
	if err != nil {
		return false
	}
	eq, err := awspolicy.PoliciesAreEquivalent(w, g)
	return err == nil && eq
}

// text returns doc as plain JSON text.
func text(doc any) (string, error) {
	if doc == nil {
		return "", fmt.Errorf("no policy document")
	}
	if s, ok := doc.(string); ok {
		d, err := Decode(s)
		if err != nil {
			return "", err
		}
		doc = d
	}
	return Marshal(doc)
}

// parse decodes JSON text keeping integers as int64.
func parse(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("cannot parse policy document: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("cannot parse policy document: trailing data after the JSON value")
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	}
	return v
}

// object converts a JSON-like document (or JSON string) to a map for the
// checks. Named map types (spec.Props) are round-tripped through JSON.
func object(doc any) (map[string]any, error) {
	switch d := doc.(type) {
	case map[string]any:
		return d, nil
	case string:
		return Decode(d)
	}
	s, err := Marshal(doc)
	if err != nil {
		return nil, err
	}
	return Decode(s)
}

// statements returns the document's statements, one or many.
func statements(doc map[string]any) ([]map[string]any, error) {
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []map[string]any{s}, nil
	case []any:
		out := make([]map[string]any, 0, len(s))
		for i, e := range s {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("statement %d is not an object", i+1)
			}
			out = append(out, m)
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("the document has no Statement")
	}
	return nil, fmt.Errorf("Statement must be an object or a list of objects")
}

// strs reads a string-or-list-of-strings value.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case spec.Unknown:
		return []string{"${" + x.Ref + "}"}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, strs(e)...)
		}
		return out
	}
	return nil
}

// unresolved reports a value holding a ${...} reference the engine has not
// resolved yet: checks skip it and run again once it is known.
func unresolved(s string) bool { return strings.Contains(s, "${") }
