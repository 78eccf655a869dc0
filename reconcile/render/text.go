package render

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Style decides whether text output is coloured.
type Style struct{ Color bool }

// StyleFor colours only a terminal, and never when NO_COLOR is set.
func StyleFor(f *os.File) Style {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return Style{}
	}
	fi, err := f.Stat()
	if err != nil {
		return Style{}
	}
	return Style{Color: fi.Mode()&os.ModeCharDevice != 0}
}

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) action(a reconcile.Action) string {
	sym := a.Symbol()
	switch a {
	case reconcile.Create, reconcile.Import:
		return s.paint("32", sym)
	case reconcile.Update:
		return s.paint("33", sym)
	case reconcile.Delete, reconcile.Replace:
		return s.paint("31", sym)
	}
	return sym
}

// Value renders one value of a diff on one line.
func Value(v any) string {
	switch t := v.(type) {
	case nil:
		return "(none)"
	case spec.Unknown:
		return knownAfterApply(t)
	case reconcile.Secret:
		return reconcile.Sensitive
	case string:
		if t == reconcile.Sensitive {
			return t
		}
		return fmt.Sprintf("%q", t)
	case int64, int, bool, float64:
		return fmt.Sprint(t)
	}
	s := jsonLine(display(v))
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// Text writes the plan the way a person reads it.
func Text(w io.Writer, p *reconcile.Plan, st Style) {
	unchanged := 0
	sensitive := false
	for _, c := range p.Changes {
		if c.Action == reconcile.NoOp {
			unchanged++
			continue
		}
		name := ""
		if id := c.DisplayID(); id != "" {
			name = "  (" + id + ")"
		}
		// Pad on the plain text: colour codes take no room on screen.
		plain := fmt.Sprintf("  %s %s %s%s", c.Action.Symbol(), c.Type, c.Name, name)
		pad := strings.Repeat(" ", max(1, 73-utf8.RuneCountInString(plain)))
		fmt.Fprintf(w, "  %s %s %s%s%s%s\n", st.action(c.Action), c.Type, c.Name, name, pad, st.paint("2", describe(c)))
		for _, line := range changeLines(c) {
			fmt.Fprintf(w, "      %s\n", line)
		}
		sensitive = sensitive || hasSecret(c)
	}
	if unchanged > 0 {
		fmt.Fprintf(w, "  = %d resources unchanged\n", unchanged)
	}
	if p.UnmanagedSkipped {
		fmt.Fprintln(w, "  ? unmanaged resources were not looked for (--skip-unmanaged)")
	}
	for _, u := range p.Unmanaged {
		fmt.Fprintf(w, "  ? unmanaged: %s %s (matches the stack's prefix, not in state; left alone)\n", u.Type, u.ID)
	}
	if line := NeighboursLine(p); line != "" {
		fmt.Fprintf(w, "  %s\n", line)
	}
	for _, line := range NotComparedLines(p) {
		fmt.Fprintf(w, "  ? %s\n", line)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, SummaryLine(p))
	if line := ScopeLine(p); line != "" {
		fmt.Fprintln(w, line)
	}
	if sensitive {
		fmt.Fprintln(w, "Secret values are shown as (sensitive).")
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "%s %s\n", st.paint("31", "Error:"), e)
	}
}

func describe(c *reconcile.Change) string {
	d := c.Class.Describe()
	switch {
	case c.Action == reconcile.Move:
		d = "moved from " + c.MovedFrom + ": renamed in the state, AWS untouched"
	case c.MovedFrom != "":
		d += " (moved from " + c.MovedFrom + ")"
	}
	switch c.Action {
	case reconcile.Replace:
		if f := forcingFields(c); len(f) > 0 {
			d += " (" + strings.Join(f, ", ") + " forces replacement)"
		} else {
			d += " (forces replacement)"
		}
	case reconcile.Create:
		if c.Class == reconcile.DeletedOutOfBand {
			d += " ⇒ will be re-created"
		}
	}
	return d
}

// changeLines are the lines under a change's headline: every field a
// create sets, or the fields that differ.
func changeLines(c *reconcile.Change) []string {
	if c.Action == reconcile.Create {
		return createLines(c)
	}
	var lines []string
	for _, d := range c.Diff {
		lines = append(lines, fieldLines(c, d)...)
	}
	return lines
}

// hasSecret reports whether a change's lines show a sensitive value.
func hasSecret(c *reconcile.Change) bool {
	if c.Action == reconcile.Create {
		for _, v := range c.Desired {
			if strings.Contains(jsonLine(v), `"`+reconcile.Sensitive+`"`) {
				return true
			}
		}
		return false
	}
	for _, d := range c.Diff {
		if d.Sensitive {
			return true
		}
	}
	return false
}

// fieldLines renders one field's change; a map of strings (tags,
// environment variables) is shown key by key.
func fieldLines(c *reconcile.Change, d reconcile.FieldDiff) []string {
	if d.Sensitive {
		return []string{fieldLine(c, d)}
	}
	before, bok := flatMap(d.Before)
	after, aok := flatMap(d.After)
	if !bok || !aok {
		if lines := documentLines(c, d); lines != nil {
			return lines
		}
		if isBlock(d.Before) || isBlock(d.After) {
			live, sp := sideLabels(c)
			return blockLines(d.Path, d.Before, d.After, live, sp)
		}
		return []string{fieldLine(c, d)}
	}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		b, inB := before[k]
		a, inA := after[k]
		if inB == inA && b == a {
			continue
		}
		sub := reconcile.FieldDiff{Path: d.Path + "." + k, ForceNew: d.ForceNew}
		if inB {
			sub.Before = b
		}
		if inA {
			sub.After = a
		}
		lines = append(lines, fieldLine(c, sub))
	}
	return lines
}

// documentLines shows a document (an IAM policy, lifecycle rules) by the
// keys that differ, and a list under a key by the elements only one side
// has: an extra statement added by hand reads as one line.
func documentLines(c *reconcile.Change, d reconcile.FieldDiff) []string {
	before, bok := d.Before.(map[string]any)
	after, aok := d.After.(map[string]any)
	if !bok || !aok {
		return nil
	}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	live, sp := sideLabels(c)
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		b, a := before[k], after[k]
		if jsonLine(b) == jsonLine(a) {
			continue
		}
		bl, bIsList := b.([]any)
		al, aIsList := a.([]any)
		if !bIsList || !aIsList {
			if isBlock(b) || isBlock(a) {
				lines = append(lines, blockLines(d.Path+"."+k, b, a, live, sp)...)
				continue
			}
			lines = append(lines, fieldLine(c, reconcile.FieldDiff{Path: d.Path + "." + k, Before: b, After: a}))
			continue
		}
		// Only the elements (statements, rules) that change are shown.
		var els []string
		for _, e := range bl {
			if !containsJSON(al, e) {
				els = append(els, elementLines("-", e, live)...)
			}
		}
		for _, e := range al {
			if !containsJSON(bl, e) {
				els = append(els, elementLines("+", e, sp)...)
			}
		}
		if len(els) > 0 {
			lines = append(lines, d.Path+"."+k+":")
			lines = append(lines, els...)
		}
	}
	if len(lines) == 0 {
		return nil // equal as JSON but not to the kind's comparison: show it whole
	}
	return lines
}

// sideLabels name the two sides of a change: drift is what AWS holds
// against what the spec says, a spec change what it removes and adds.
func sideLabels(c *reconcile.Change) (live, sp string) {
	if c.Class == reconcile.OutOfBand {
		return "only in AWS", "only in the spec"
	}
	return "removed", "added"
}

func containsJSON(list []any, v any) bool {
	s := jsonLine(v)
	for _, e := range list {
		if jsonLine(e) == s {
			return true
		}
	}
	return false
}

// flatMap returns m when it maps strings to strings; nil maps count.
func flatMap(v any) (map[string]any, bool) {
	if v == nil {
		return map[string]any{}, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	for _, e := range m {
		if _, ok := e.(string); !ok {
			return nil, false
		}
	}
	return m, true
}

func fieldLine(c *reconcile.Change, d reconcile.FieldDiff) string {
	force := ""
	if d.ForceNew {
		force = "  (forces replacement)"
	}
	if d.Sensitive {
		if c.Class == reconcile.OutOfBand {
			return fmt.Sprintf("%s: (sensitive) changed in AWS  ⇒ will be set back to the spec's value%s", d.Path, force)
		}
		return fmt.Sprintf("%s: (sensitive) will change%s", d.Path, force)
	}
	if c.Class == reconcile.OutOfBand {
		return fmt.Sprintf("%s: %s → %s (live)  ⇒ will be set back to %s%s", d.Path, Value(d.After), Value(d.Before), Value(d.After), force)
	}
	return fmt.Sprintf("%s: %s → %s%s", d.Path, Value(d.Before), Value(d.After), force)
}

// SummaryLine is the plan's last line.
func SummaryLine(p *reconcile.Plan) string {
	s := p.Summary()
	if !p.HasChanges() {
		switch {
		case len(p.Targets) > 0:
			return "No changes. The targeted resources match the spec."
		case len(NotComparedLines(p)) > 0:
			return "No changes in what was compared. The stack matches the spec but for the fields not compared."
		}
		return "No changes. The stack matches the spec."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %d to add, %d to change, %d to destroy", s.Add, s.Change, s.Destroy)
	if s.Import > 0 {
		fmt.Fprintf(&b, ", %d to adopt", s.Import)
	}
	if s.Move > 0 {
		fmt.Fprintf(&b, ", %d to move", s.Move)
	}
	b.WriteString(".")
	if s.Drift > 0 {
		noun := "changes"
		if s.Drift == 1 {
			noun = "change"
		}
		fmt.Fprintf(&b, "  Drift: %d out-of-band %s.", s.Drift, noun)
	}
	return b.String()
}

// Progress renders one apply event as a line.
func Progress(ev reconcile.Event, st Style) string {
	label := fmt.Sprintf("%s %s", ev.Type, ev.Name)
	switch ev.Phase {
	case reconcile.Started:
		return fmt.Sprintf("  … %-50s %s", label, ing(ev.Action))
	case reconcile.Succeeded:
		return fmt.Sprintf("  %s %-50s %-9s %.1fs", st.paint("32", "✓"), label, past(ev.Action), ev.Elapsed.Seconds())
	case reconcile.Failed:
		return fmt.Sprintf("  %s %-50s failed: %v", st.paint("31", "✗"), label, ev.Err)
	case reconcile.Skipped:
		return fmt.Sprintf("  - %-50s skipped: %v", label, ev.Err)
	}
	return ""
}

func ing(a reconcile.Action) string {
	switch a {
	case reconcile.Create:
		return "creating"
	case reconcile.Update:
		return "updating"
	case reconcile.Replace:
		return "replacing"
	case reconcile.Delete:
		return "deleting"
	}
	return string(a)
}

func past(a reconcile.Action) string {
	switch a {
	case reconcile.Create:
		return "created"
	case reconcile.Update:
		return "updated"
	case reconcile.Replace:
		return "replaced"
	case reconcile.Delete:
		return "deleted"
	}
	return string(a)
}

// NeighboursLine says how many resources with the stack's prefix other
// stacks own, "" when none.
func NeighboursLine(p *reconcile.Plan) string {
	if len(p.Neighbours) == 0 {
		return ""
	}
	var parts []string
	total := 0
	for _, stack := range slices.Sorted(maps.Keys(p.Neighbours)) {
		parts = append(parts, fmt.Sprintf("%s (%d)", stack, p.Neighbours[stack]))
		total += p.Neighbours[stack]
	}
	return fmt.Sprintf("%d resources with the stack's prefix belong to other stacks: %s", total, strings.Join(parts, ", "))
}
