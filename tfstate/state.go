package tfstate

import (
	"fmt"
	"strconv"
	"strings"
)

// Mode tells a managed resource from a data source.
type Mode string

const (
	Managed Mode = "managed"
	Data    Mode = "data"
)

// State is what a state file holds, reduced to what an import needs.
type State struct {
	TerraformVersion string
	Serial           int64
	Lineage          string
	// Instances in file order: one per resource instance (count and
	// for_each expanded), deposed objects left out.
	Instances []*Instance
	// Deposed lists the addresses of objects Terraform still has to
	// destroy (create_before_destroy interrupted): they are not imported.
	Deposed []string
}

// Instance is one resource instance of the state.
type Instance struct {
	// Address is the instance's Terraform address,
	// module.lambda.aws_lambda_function.agent["x"].
	Address string
	// Module is the module address ("" for the root module),
	// module.lambda or module.a["k"].module.b.
	Module   string
	Mode     Mode
	Type     string
	Name     string
	Provider string
	// Key is the count index (int64), the for_each key (string), or nil.
	Key any
	// Attrs are the instance's attributes, JSON-like (string, int64,
	// float64, bool, []any, map[string]any, nil). Sensitive values are
	// Secret.
	Attrs map[string]any
}

// Secret stands where the state held a sensitive value. Only its digest
// is kept (reconcile.SecretDigest of the value, or of its JSON when it is
// not a string), so that it can be compared without being known.
type Secret struct{ Digest string }

// String never shows anything of the value.
func (Secret) String() string { return "(sensitive)" }

// GoString keeps %#v from printing the digest field by field.
func (Secret) GoString() string { return "tfstate.Secret{(sensitive)}" }

// MarshalJSON keeps a Secret sensitive in any JSON output.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"(sensitive)"`), nil }

// String returns the attribute key as a string, "" when it is absent,
// null or not a string.
func (i *Instance) String(key string) string {
	s, _ := i.Attrs[key].(string)
	return s
}

// Bool returns the attribute key as a bool, false when absent or null.
func (i *Instance) Bool(key string) bool {
	b, _ := i.Attrs[key].(bool)
	return b
}

// Int returns the attribute key as an int64, 0 when absent or null.
func (i *Instance) Int(key string) int64 {
	switch n := i.Attrs[key].(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return 0
}

// Block returns the first element of a nested block list (Terraform keeps
// a block with max_items 1 as a list of one object), nil when empty.
func (i *Instance) Block(key string) map[string]any {
	l, _ := i.Attrs[key].([]any)
	if len(l) == 0 {
		return nil
	}
	m, _ := l[0].(map[string]any)
	return m
}

// Strings returns a list or set of strings; nil when absent.
func (i *Instance) Strings(key string) []string {
	l, _ := i.Attrs[key].([]any)
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// StringMap returns a map of strings (tags, variables); nil when absent
// or null. Secret values are left out.
func (i *Instance) StringMap(key string) map[string]string {
	m, _ := i.Attrs[key].(map[string]any)
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// ResourceAddress is the address of the resource the instance belongs to,
// without its key: module.lambda.aws_lambda_function.agent.
func (i *Instance) ResourceAddress() string {
	return resourceAddress(i.Module, i.Mode, i.Type, i.Name)
}

func resourceAddress(module string, mode Mode, typ, name string) string {
	var b strings.Builder
	if module != "" {
		b.WriteString(module)
		b.WriteByte('.')
	}
	if mode == Data {
		b.WriteString("data.")
	}
	b.WriteString(typ)
	b.WriteByte('.')
	b.WriteString(name)
	return b.String()
}

// keySuffix is how Terraform writes an instance key: [0] or ["x"].
func keySuffix(key any) string {
	switch k := key.(type) {
	case nil:
		return ""
	case int64:
		return "[" + strconv.FormatInt(k, 10) + "]"
	case string:
		return "[" + strconv.Quote(k) + "]"
	}
	return fmt.Sprintf("[%v]", key)
}
