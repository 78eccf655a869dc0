package docgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// KindRef is what the reference says of one resource type. It is data, not
// Markdown, so what a kind declares about itself (the attributes it offers,
// later what it owns exclusively) is added here and rendered in one place.
type KindRef struct {
	Type       string
	Attributes []string // in the kind's order
	Fields     []FieldRef
}

// FieldRef is one property, nested properties of an object by dotted path
// (cors.max_age) right after their object.
type FieldRef struct {
	Path  string
	Field spec.Field
}

// Kinds describes every type, sorted by type name. Within a type the
// required fields come first, then the others by name (a Schema is a map:
// its declaration order is gone).
func Kinds(types map[string]spec.TypeSchema) []KindRef {
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	out := make([]KindRef, 0, len(names))
	for _, t := range names {
		ts := types[t]
		out = append(out, KindRef{Type: t, Attributes: ts.Attributes(), Fields: fields("", ts.Schema())})
	}
	return out
}

func fields(prefix string, s spec.Schema) []FieldRef {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := s[names[i]], s[names[j]]
		if a.Required != b.Required {
			return a.Required
		}
		return names[i] < names[j]
	})
	var out []FieldRef
	for _, n := range names {
		f := s[n]
		out = append(out, FieldRef{Path: prefix + n, Field: f})
		if f.Type == spec.Object {
			out = append(out, fields(prefix+n+".", f.Fields)...)
		}
	}
	return out
}

// Markdown renders the reference: a summary table of every type, then one
// section per type with a row per field. It fails on a field type it has
// no name for, so a new FieldType cannot reach the README unnamed.
func Markdown(kinds []KindRef) (string, error) {
	var b strings.Builder
	b.WriteString("| type | fields (`*` required) | attributes |\n|---|---|---|\n")
	for _, k := range kinds {
		var top []string
		for _, f := range k.Fields {
			if strings.Contains(f.Path, ".") {
				continue
			}
			name := f.Path
			if f.Field.Required {
				name += `\*`
			}
			top = append(top, name)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Type, strings.Join(top, ", "), strings.Join(k.Attributes, ", "))
	}
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n#### `%s`\n\n", k.Type)
		// One line per thing the kind declares about itself as a whole.
		fmt.Fprintf(&b, "Attributes: %s.\n\n", codeList(k.Attributes))
		if owns := exclusive(k.Fields); len(owns) > 0 {
			fmt.Fprintf(&b, "Owns exclusively: %s; any other AWS holds under it is drift that apply removes.\n\n", strings.Join(owns, ", "))
		}
		b.WriteString("| field | type | default | notes | description |\n|---|---|---|---|---|\n")
		for _, f := range k.Fields {
			typ, ok := typeNames[f.Field.Type]
			if !ok {
				return "", fmt.Errorf("cannot describe field %s of %s: no name for field type %d", f.Path, k.Type, f.Field.Type)
			}
			def, err := defaultCell(f.Field)
			if err != nil {
				return "", fmt.Errorf("cannot describe the default of field %s of %s: %w", f.Path, k.Type, err)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", f.Path, typ, def, strings.Join(notes(f.Field), "; "), text(f.Field.Doc))
		}
	}
	return b.String(), nil
}

var typeNames = map[spec.FieldType]string{
	spec.String:     "string",
	spec.Int:        "integer",
	spec.Bool:       "boolean",
	spec.StringList: "list of strings",
	spec.StringMap:  "map of strings",
	spec.Document:   "document",
	spec.Object:     "object",
}

// notes says, in the words a spec author needs, how the engine treats the
// field beyond its type.
func notes(f spec.Field) []string {
	var out []string
	if f.Required {
		out = append(out, "required")
	}
	if len(f.Enum) > 0 {
		out = append(out, "one of "+codeList(f.Enum))
	}
	if f.ForceNew {
		out = append(out, "a change replaces the resource")
	}
	if f.Sensitive {
		out = append(out, "sensitive: never shown or recorded, compared by digest")
	}
	if f.Unordered {
		out = append(out, "compared as a set")
	}
	if f.SpecOnly {
		out = append(out, "never reported as drift")
	}
	if f.CreateOnly {
		out = append(out, "set on create only, unless listed in `manage`")
	}
	if f.DeclaredBy != "" {
		out = append(out, fmt.Sprintf("exclusive set, filled from the `%s` resources that depend on it: the spec may only `ignore` it", f.DeclaredBy))
	}
	return out
}

// exclusive describes the fields that make a kind own every attachment of
// some type under its resource (Field.DeclaredBy).
func exclusive(fields []FieldRef) []string {
	var out []string
	for _, f := range fields {
		switch {
		case f.Field.DeclaredBy != "":
			out = append(out, fmt.Sprintf("`%s` (declared by `%s` resources)", f.Path, f.Field.DeclaredBy))
		case f.Field.Exclusive:
			out = append(out, fmt.Sprintf("`%s` (as the spec sets it; unset means none)", f.Path))
		case f.Path == "tags" && f.Field.Type == spec.StringMap:
			out = append(out, "`tags` (the spec's and the stack's ownership tags; a tag added by hand is drift)")
		}
	}
	return out
}

// defaultCell shows a Default as the JSON a spec would write for it
// (`""`, `[]`, `30000`); no default is an empty cell.
func defaultCell(f spec.Field) (string, error) {
	if f.Default == nil {
		return "", nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f.Default); err != nil {
		return "", err
	}
	return "`" + cell(strings.TrimSpace(buf.String())) + "`", nil
}

func codeList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = "`" + cell(s) + "`"
	}
	return strings.Join(quoted, ", ")
}

// cell keeps a value inside its table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// text is prose in a table cell: Markdown must not read "<function>" as an
// HTML tag or "*" as emphasis.
func text(s string) string {
	return cell(strings.NewReplacer("<", "&lt;", ">", "&gt;", "*", `\*`).Replace(s))
}

// KindSection names the README's generated reference of resource kinds.
const KindSection = "kinds"

// KindReference is the body of KindSection for the given types.
func KindReference(types map[string]spec.TypeSchema) (string, error) {
	return Markdown(Kinds(types))
}
