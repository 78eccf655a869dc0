package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// A document (an IAM policy, lifecycle rules) or any value longer than
// this on one line is shown as indented JSON.
const inlineWidth = 60

// knownAfterApply is how a value only an apply can tell reads: with the
// expression it waits for, so a reviewer sees where it will come from.
func knownAfterApply(u spec.Unknown) string {
	if u.Ref == "" {
		return "(known after apply)"
	}
	return "(known after apply: " + u.Ref + ")"
}

// display returns v as it may be shown: secrets as "(sensitive)", values
// only known after apply as "(known after apply: REF)", inside documents
// and objects too.
func display(v any) any {
	switch t := v.(type) {
	case reconcile.Secret:
		return reconcile.Sensitive
	case spec.Unknown:
		return knownAfterApply(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = display(e)
		}
		return out
	case spec.Props:
		return display(map[string]any(t))
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = display(e)
		}
		return out
	}
	return v
}

// isBlock reports whether v reads better as indented JSON than on a line.
func isBlock(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return len(jsonLine(display(v))) > inlineWidth
	}
	return false
}

// indented is v as indented JSON lines, keys sorted.
func indented(v any) []string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(display(v)); err != nil {
		return []string{"(unprintable)"}
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// createLines lists every field a create (or an adoption) will set, in the
// spec's names, sorted: scalars and short values on one line, documents as
// indented JSON below their name.
func createLines(c *reconcile.Change) []string {
	names := make([]string, 0, len(c.Desired))
	for k := range c.Desired {
		names = append(names, k)
	}
	sort.Strings(names)
	var lines []string
	for _, k := range names {
		v := c.Desired[k]
		if !isBlock(v) {
			lines = append(lines, fmt.Sprintf("%s = %s", k, Value(v)))
			continue
		}
		doc := indented(v)
		lines = append(lines, k+" = "+doc[0])
		for _, l := range doc[1:] {
			lines = append(lines, "    "+l)
		}
	}
	return lines
}

// forcingFields names the fields whose change forces a replacement.
func forcingFields(c *reconcile.Change) []string {
	var out []string
	for _, d := range c.Diff {
		if d.ForceNew {
			out = append(out, d.Path)
		}
	}
	return out
}

// blockLines shows a long value's change as indented JSON: the old value
// with "-", the new with "+".
func blockLines(path string, before, after any, live, sp string) []string {
	lines := []string{path + ":"}
	add := func(mark string, v any, label string) {
		if v == nil {
			return
		}
		doc := indented(v)
		for i, l := range doc {
			if i == len(doc)-1 && label != "" {
				l += "  (" + label + ")"
			}
			lines = append(lines, "  "+mark+" "+l)
		}
	}
	add("-", before, live)
	add("+", after, sp)
	return lines
}

// elementLines shows one list element only one side of a document has: a
// statement as indented JSON, marked "-" (only live) or "+" (only in the
// spec), labelled on its last line.
func elementLines(mark string, e any, label string) []string {
	if !isBlock(e) {
		return []string{fmt.Sprintf("  %s %s  (%s)", mark, jsonLine(display(e)), label)}
	}
	doc := indented(e)
	out := make([]string, 0, len(doc))
	for i, l := range doc {
		if i == len(doc)-1 {
			l += "  (" + label + ")"
		}
		out = append(out, "  "+mark+" "+l)
	}
	return out
}
