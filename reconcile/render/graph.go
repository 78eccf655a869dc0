package render

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Graph is a dependency graph to draw. An edge goes from a resource to one
// it depends on, as `terraform graph` draws them: apply makes the target
// first.
type Graph struct {
	Nodes []GraphNode // sorted by name
}

// GraphNode is one resource of a Graph.
type GraphNode struct {
	Name string
	Type string
	// Deps are the names it depends on; those not in the graph are not drawn.
	Deps []string
	// Action is what the plan does to it; "" when drawn from the spec.
	Action reconcile.Action
	// Data marks a resource the stack only reads.
	Data bool
}

// SpecGraph is the spec's dependency graph: every resource and data
// source, with the edges its references and depends_on make.
func SpecGraph(sp *spec.Spec) Graph {
	var g Graph
	for name, r := range sp.Resources {
		g.Nodes = append(g.Nodes, GraphNode{Name: name, Type: r.Type, Deps: slices.Clone(r.Deps), Data: r.Data})
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].Name < g.Nodes[j].Name })
	return g
}

// ChangedGraph is the part of a plan's graph that changes: every resource
// with an action, and the resources it depends on or that depend on it,
// so a reviewer sees what a change reaches. Empty when nothing changes.
func ChangedGraph(p *reconcile.Plan) Graph {
	keep := map[string]bool{}
	for _, c := range p.Changes {
		if c.Action == reconcile.NoOp {
			continue
		}
		keep[c.Name] = true
		for _, d := range c.Deps {
			keep[d] = true
		}
	}
	for _, c := range p.Changes {
		if keep[c.Name] {
			continue
		}
		for _, d := range c.Deps {
			if p.Change(d) != nil && p.Change(d).Action != reconcile.NoOp {
				keep[c.Name] = true
			}
		}
	}
	var g Graph
	seen := map[string]bool{}
	for _, c := range p.Changes {
		if !keep[c.Name] || seen[c.Name] {
			continue // a type change plans the same name twice: draw it once
		}
		seen[c.Name] = true
		g.Nodes = append(g.Nodes, GraphNode{Name: c.Name, Type: c.Type, Deps: slices.Clone(c.Deps), Action: planAction(p, c.Name), Data: c.Data})
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].Name < g.Nodes[j].Name })
	return g
}

// planAction is the strongest action the plan takes on a name (a type
// change deletes the old record and creates the new one: a replace).
func planAction(p *reconcile.Plan, name string) reconcile.Action {
	var acts []reconcile.Action
	for _, c := range p.Changes {
		if c.Name == name {
			acts = append(acts, c.Action)
		}
	}
	if len(acts) == 2 && slices.Contains(acts, reconcile.Create) && slices.Contains(acts, reconcile.Delete) {
		return reconcile.Replace
	}
	for _, a := range []reconcile.Action{reconcile.Replace, reconcile.Delete, reconcile.Create, reconcile.Update, reconcile.Import} {
		if slices.Contains(acts, a) {
			return a
		}
	}
	return reconcile.NoOp
}

// edges lists the drawn edges, from each node to the dependencies the
// graph holds.
func (g Graph) edges() [][2]string {
	in := map[string]bool{}
	for _, n := range g.Nodes {
		in[n.Name] = true
	}
	var out [][2]string
	for _, n := range g.Nodes {
		deps := slices.Sorted(slices.Values(n.Deps))
		for _, d := range slices.Compact(deps) {
			if in[d] {
				out = append(out, [2]string{n.Name, d})
			}
		}
	}
	return out
}

var mermaidUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// mermaidID is a node id Mermaid accepts: logical names are already safe,
// but "end" (any case) closes a subgraph in Mermaid's grammar.
func mermaidID(name string) string {
	id := mermaidUnsafe.ReplaceAllString(name, "_")
	if strings.EqualFold(id, "end") || id == "" {
		id += "_"
	}
	return id
}

// mermaidClasses colour the actions as the text plan does.
var mermaidClasses = []struct {
	action reconcile.Action
	style  string
}{
	{reconcile.Create, "fill:#dafbe1,stroke:#1a7f37"},
	{reconcile.Import, "fill:#dafbe1,stroke:#1a7f37,stroke-dasharray:3"},
	{reconcile.Update, "fill:#fff8c5,stroke:#9a6700"},
	{reconcile.Replace, "fill:#ffebe9,stroke:#cf222e,stroke-width:3px"},
	{reconcile.Delete, "fill:#ffebe9,stroke:#cf222e"},
}

func nodeLabel(n GraphNode) string {
	label := n.Type + " " + n.Name
	if n.Action != "" && n.Action != reconcile.NoOp {
		label = n.Action.Symbol() + " " + label
	}
	if n.Data {
		label += " (data)"
	}
	return label
}

// Mermaid writes g as a Mermaid flowchart (GitHub renders a ```mermaid
// block in Markdown).
func Mermaid(w io.Writer, g Graph) {
	fmt.Fprintln(w, "flowchart LR")
	used := map[reconcile.Action]bool{}
	for _, n := range g.Nodes {
		// Mermaid labels are quoted strings: a quote is written as an entity.
		label := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(nodeLabel(n))
		open, closing := "[", "]"
		if n.Data {
			open, closing = "[(", ")]"
		}
		fmt.Fprintf(w, "  %s%s\"%s\"%s\n", mermaidID(n.Name), open, label, closing)
		used[n.Action] = true
	}
	for _, e := range g.edges() {
		fmt.Fprintf(w, "  %s --> %s\n", mermaidID(e[0]), mermaidID(e[1]))
	}
	for _, c := range mermaidClasses {
		if !used[c.action] {
			continue
		}
		var ids []string
		for _, n := range g.Nodes {
			if n.Action == c.action {
				ids = append(ids, mermaidID(n.Name))
			}
		}
		fmt.Fprintf(w, "  classDef plan_%s %s\n", c.action, c.style)
		fmt.Fprintf(w, "  class %s plan_%s\n", strings.Join(ids, ","), c.action)
	}
}

// DOT writes g in Graphviz's language (`dot -Tsvg`).
func DOT(w io.Writer, g Graph) {
	fmt.Fprintln(w, "digraph reconcile {")
	fmt.Fprintln(w, "  rankdir=LR;")
	fmt.Fprintln(w, "  node [shape=box];")
	colors := map[reconcile.Action]string{
		reconcile.Create: "darkgreen", reconcile.Import: "darkgreen", reconcile.Update: "darkgoldenrod",
		reconcile.Replace: "red", reconcile.Delete: "red",
	}
	for _, n := range g.Nodes {
		var attrs []string
		attrs = append(attrs, "label="+dotQuote(nodeLabel(n)))
		if n.Data {
			attrs = append(attrs, "style=dashed")
		}
		if c, ok := colors[n.Action]; ok {
			attrs = append(attrs, "color="+c)
		}
		fmt.Fprintf(w, "  %s [%s];\n", dotQuote(n.Name), strings.Join(attrs, ", "))
	}
	for _, e := range g.edges() {
		fmt.Fprintf(w, "  %s -> %s;\n", dotQuote(e[0]), dotQuote(e[1]))
	}
	fmt.Fprintln(w, "}")
}

// dotQuote is a DOT quoted string.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
