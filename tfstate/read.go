package tfstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/trip-assistant/stack/reconcile"
)

// The file format, as Terraform's internal/states/statefile/version4.go
// writes it. Only what an import needs is decoded; outputs and check
// results are skipped (outputs may hold secrets and are never read).
type fileV4 struct {
	Version          *int         `json:"version"`
	TerraformVersion string       `json:"terraform_version"`
	Serial           int64        `json:"serial"`
	Lineage          string       `json:"lineage"`
	Resources        []resourceV4 `json:"resources"`
}

type resourceV4 struct {
	Module    string       `json:"module"`
	Mode      string       `json:"mode"`
	Type      string       `json:"type"`
	Name      string       `json:"name"`
	Provider  string       `json:"provider"`
	Instances []instanceV4 `json:"instances"`
}

type instanceV4 struct {
	IndexKey       json.RawMessage   `json:"index_key"`
	Deposed        string            `json:"deposed"`
	Attributes     json.RawMessage   `json:"attributes"`
	AttributesFlat map[string]string `json:"attributes_flat"`
	Sensitive      json.RawMessage   `json:"sensitive_attributes"`
}

// schemaSensitive lists attributes the AWS provider's schema marks
// sensitive: the state holds them in plain text whether or not
// sensitive_attributes names them (it names only values marked by the
// configuration, such as a sensitive variable).
var schemaSensitive = map[string][]string{
	"aws_ssm_parameter": {"value"},
}

// ReadFile reads the state file at path.
func ReadFile(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read terraform state: %w", err)
	}
	// The file holds secrets in plain text: clear the copy once read.
	defer clear(data)
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read terraform state %s: %w", path, err)
	}
	return s, nil
}

// Read reads a state from r (`terraform state pull | reconcile import
// --terraform-state -`).
func Read(r io.Reader) (*State, error) {
	data, err := io.ReadAll(r)
	defer clear(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read terraform state: %w", err)
	}
	return Parse(data)
}

// Parse decodes a version 4 state. Sensitive values (those the state's
// sensitive_attributes name, and those the provider's schema marks) are
// replaced by Secret while decoding, so no plain secret outlives Parse.
// Errors never quote attribute values.
func Parse(data []byte) (*State, error) {
	var f fileV4
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a terraform state (JSON): %w", redactJSONError(err))
	}
	if f.Version == nil {
		return nil, errors.New("not a terraform state: no \"version\" field")
	}
	if *f.Version != 4 {
		return nil, fmt.Errorf("terraform state format version %d is not supported (want 4, written by Terraform 0.12 and later and OpenTofu; run `terraform state pull` with a recent Terraform to upgrade it)", *f.Version)
	}
	s := &State{TerraformVersion: f.TerraformVersion, Serial: f.Serial, Lineage: f.Lineage}
	for ri, r := range f.Resources {
		mode := Mode(r.Mode)
		if mode != Managed && mode != Data {
			return nil, fmt.Errorf("resources[%d] (%s.%s): unknown mode %q (want managed or data)", ri, r.Type, r.Name, r.Mode)
		}
		if r.Type == "" || r.Name == "" {
			return nil, fmt.Errorf("resources[%d]: type and name are required", ri)
		}
		base := resourceAddress(r.Module, mode, r.Type, r.Name)
		for ii, raw := range r.Instances {
			key, err := indexKey(raw.IndexKey)
			if err != nil {
				return nil, fmt.Errorf("%s instance %d: %w", base, ii, err)
			}
			addr := base + keySuffix(key)
			if raw.Deposed != "" {
				s.Deposed = append(s.Deposed, addr+" (deposed "+raw.Deposed+")")
				continue
			}
			if raw.AttributesFlat != nil && raw.Attributes == nil {
				return nil, fmt.Errorf("%s: attributes are in the legacy flat form: run `terraform apply -refresh-only` with a recent Terraform first", addr)
			}
			attrs, err := decodeAttributes(raw.Attributes)
			if err != nil {
				return nil, fmt.Errorf("%s: attributes: %w", addr, err)
			}
			paths, err := sensitivePaths(raw.Sensitive)
			if err != nil {
				return nil, fmt.Errorf("%s: sensitive_attributes: %w", addr, err)
			}
			for _, name := range schemaSensitive[r.Type] {
				paths = append(paths, []any{name})
			}
			for _, p := range paths {
				redact(attrs, p)
			}
			s.Instances = append(s.Instances, &Instance{
				Address: addr, Module: r.Module, Mode: mode, Type: r.Type, Name: r.Name,
				Provider: r.Provider, Key: key, Attrs: attrs,
			})
		}
	}
	return s, nil
}

// redactJSONError keeps the position of a JSON error but drops anything
// it might quote from the input.
func redactJSONError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("syntax error at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		// Value may quote a number of the input: left out.
		return fmt.Errorf("field %s: expected %s (at byte %d)", typ.Field, typ.Type, typ.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of JSON")
	}
	return errors.New("malformed JSON")
}

func indexKey(raw json.RawMessage) (any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("index_key: %w", err)
	}
	switch k := v.(type) {
	case int64, string:
		return k, nil
	}
	return nil, fmt.Errorf("index_key: expected an integer (count) or a string (for_each), got %s", jsonKind(v))
}

func decodeAttributes(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("expected an object, got %s", jsonKind(v))
	}
	return m, nil
}

// DecodeJSON decodes a JSON text (a policy document an attribute holds as
// a string) into JSON-like values as the spec loader makes them: integers
// are int64, other numbers float64. Errors never quote the text.
func DecodeJSON(s string) (any, error) { return decodeJSON([]byte(s)) }

func decodeJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, redactJSONError(err)
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return numbers(v), nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = numbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbers(x[k])
		}
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// sensitivePaths decodes sensitive_attributes: a list of paths, each a
// list of steps {"type":"get_attr","value":"name"} or
// {"type":"index","value":{"value":KEY,"type":"string"|"number"}}.
// A path is returned as its keys: string for attributes and map keys,
// int64 for list indexes.
func sensitivePaths(raw json.RawMessage) ([][]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var paths [][]struct {
		Type  string          `json:"type"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &paths); err != nil {
		return nil, redactJSONError(err)
	}
	out := make([][]any, 0, len(paths))
	for _, p := range paths {
		steps := make([]any, 0, len(p))
		for _, st := range p {
			v, err := decodeJSON(st.Value)
			if err != nil {
				return nil, err
			}
			switch st.Type {
			case "get_attr":
				name, ok := v.(string)
				if !ok {
					return nil, fmt.Errorf("get_attr step: expected a name, got %s", jsonKind(v))
				}
				steps = append(steps, name)
			case "index":
				// The key is a typed cty value; older writers put it bare.
				if m, ok := v.(map[string]any); ok {
					v = m["value"]
				}
				switch k := v.(type) {
				case string, int64:
					steps = append(steps, k)
				default:
					return nil, fmt.Errorf("index step: expected a string or an integer key, got %s", jsonKind(v))
				}
			default:
				return nil, fmt.Errorf("unknown path step type %q", st.Type)
			}
		}
		if len(steps) > 0 {
			out = append(out, steps)
		}
	}
	return out, nil
}

// redact replaces the value at path in attrs by its Secret. A path that
// does not lead anywhere (an attribute gone from the schema) is ignored.
func redact(attrs map[string]any, path []any) {
	var parent any = attrs
	for i, step := range path {
		last := i == len(path)-1
		switch p := parent.(type) {
		case map[string]any:
			k, ok := step.(string)
			if !ok {
				return
			}
			v, ok := p[k]
			if !ok {
				return
			}
			if last {
				p[k] = secretOf(v)
				return
			}
			parent = v
		case []any:
			n, ok := step.(int64)
			if !ok || n < 0 || n >= int64(len(p)) {
				return
			}
			if last {
				p[n] = secretOf(p[n])
				return
			}
			parent = p[n]
		default:
			return
		}
	}
}

func secretOf(v any) any {
	switch x := v.(type) {
	case nil, Secret:
		// null holds no secret, and a value met twice is already redacted.
		return x
	case string:
		return Secret{Digest: reconcile.SecretDigest(x)}
	}
	// A whole sensitive object or list: digest of its canonical JSON
	// (encoding/json sorts map keys). It contains no Secret yet, unless a
	// path inside it came first; those are digests already.
	b, err := json.Marshal(v)
	if err != nil {
		return Secret{Digest: reconcile.SecretDigest(fmt.Sprint(v))}
	}
	return Secret{Digest: reconcile.SecretDigest(string(b))}
}

// Secrets reports whether the instance holds any Secret, and where, as
// attribute paths (value, environment.0.variables.TOKEN): for messages
// that say what was redacted without saying what it was.
func (i *Instance) Secrets() []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case Secret:
			out = append(out, prefix)
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(join(prefix, k), x[k])
			}
		case []any:
			for n, e := range x {
				walk(join(prefix, fmt.Sprint(n)), e)
			}
		}
	}
	walk("", i.Attrs)
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
