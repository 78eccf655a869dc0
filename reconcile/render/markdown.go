package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
)

// Markdown writes the plan for a GitHub job summary: a headline, a table of
// the changes with their class, and the field diffs.
func Markdown(w io.Writer, p *reconcile.Plan) {
	s := p.Summary()
	title := "Plan"
	if p.Destroy {
		title = "Destroy plan"
	}
	fmt.Fprintf(w, "## %s for `%s` (%s)\n\n", title, p.Stack, p.Region)
	if s.Drift > 0 {
		fmt.Fprintf(w, "> [!WARNING]\n> **Drift:** %d resource(s) changed outside the spec.\n\n", s.Drift)
	}
	fmt.Fprintf(w, "**%s**\n\n", SummaryLine(p))
	if line := ScopeLine(p); line != "" {
		fmt.Fprintf(w, "> [!NOTE]\n> %s\n\n", line)
	}
	var rows []*reconcile.Change
	for _, c := range p.Changes {
		if c.Action != reconcile.NoOp {
			rows = append(rows, c)
		}
	}
	if len(rows) > 0 {
		fmt.Fprintln(w, "| | Resource | Type | Why | Fields |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, c := range rows {
			fields := make([]string, 0, len(c.Diff))
			for _, d := range c.Diff {
				fields = append(fields, "`"+d.Path+"`")
			}
			fmt.Fprintf(w, "| `%s` | `%s` | %s | %s | %s |\n", c.Action.Symbol(), c.Name, c.Type, describe(c), strings.Join(fields, ", "))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "<details><summary>Field changes</summary>")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "```diff")
		for _, c := range rows {
			why := c.Class.Describe()
			if f := forcingFields(c); c.Action == reconcile.Replace && len(f) > 0 {
				why += " (" + strings.Join(f, ", ") + " forces replacement)"
			}
			fmt.Fprintf(w, "%s %s %s  # %s\n", diffMark(c.Action), c.Type, c.Name, why)
			for _, line := range changeLines(c) {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
		fmt.Fprintln(w, "```")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "</details>")
		fmt.Fprintln(w)
		// The part of the graph the changes reach, which GitHub draws.
		if g := ChangedGraph(p); len(g.Nodes) > 0 {
			fmt.Fprintln(w, "What the changes reach (an arrow points to what a resource depends on):")
			fmt.Fprintln(w)
			fmt.Fprintln(w, "```mermaid")
			Mermaid(w, g)
			fmt.Fprintln(w, "```")
			fmt.Fprintln(w)
		}
	}
	if s.Unchanged > 0 {
		fmt.Fprintf(w, "%d resource(s) unchanged.\n\n", s.Unchanged)
	}
	if p.UnmanagedSkipped {
		fmt.Fprintln(w, "_Unmanaged resources were not looked for (`--skip-unmanaged`)._")
		fmt.Fprintln(w)
	}
	if len(p.Unmanaged) > 0 {
		fmt.Fprintln(w, "**Unmanaged** (carry the stack's prefix, not in state; left alone):")
		fmt.Fprintln(w)
		for _, u := range p.Unmanaged {
			fmt.Fprintf(w, "- %s `%s`\n", u.Type, u.ID)
		}
		fmt.Fprintln(w)
	}
	if lines := NotComparedLines(p); len(lines) > 0 {
		fmt.Fprintln(w, "**Not compared** (an input they use is unset):")
		fmt.Fprintln(w)
		for _, line := range lines {
			fmt.Fprintf(w, "- %s\n", line)
		}
		fmt.Fprintln(w)
	}
	for _, e := range p.Errors {
		fmt.Fprintf(w, "> [!CAUTION]\n> %s\n\n", e)
	}
}

func diffMark(a reconcile.Action) string {
	switch a {
	case reconcile.Create, reconcile.Import:
		return "+"
	case reconcile.Delete:
		return "-"
	}
	return "!"
}
