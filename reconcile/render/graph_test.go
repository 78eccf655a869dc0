package render_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/render"
)

const graphSpec = `project: demo
region: us-east-2
data:
  shared: {type: fake.role, properties: {name: demo-shared}}
resources:
  role: {type: fake.role, properties: {name: "${shared.name}-role"}}
  fn: {type: fake.function, properties: {name: demo-fn, role: "${role.arn}"}}
  end: {type: fake.alias, depends_on: [fn], properties: {name: demo-end, function_version: "${fn.version}"}}
  lone: {type: fake.role, properties: {name: demo-lone}}
`

func TestGraphFormats(t *testing.T) {
	h := fakekind.NewHarness()
	g := render.SpecGraph(h.Load(t, graphSpec, ""))
	cases := map[string]struct {
		draw func(*bytes.Buffer)
		want string
	}{
		"mermaid": {
			draw: func(b *bytes.Buffer) { render.Mermaid(b, g) },
			// "end" would close the flowchart: its id gets a suffix.
			want: `flowchart LR
  end_["fake.alias end"]
  fn["fake.function fn"]
  lone["fake.role lone"]
  role["fake.role role"]
  shared[("fake.role shared (data)")]
  end_ --> fn
  fn --> role
  role --> shared
`,
		},
		"dot": {
			draw: func(b *bytes.Buffer) { render.DOT(b, g) },
			want: `digraph reconcile {
  rankdir=LR;
  node [shape=box];
  "end" [label="fake.alias end"];
  "fn" [label="fake.function fn"];
  "lone" [label="fake.role lone"];
  "role" [label="fake.role role"];
  "shared" [label="fake.role shared (data)", style=dashed];
  "end" -> "fn";
  "fn" -> "role";
  "role" -> "shared";
}
`,
		},
		"mermaid of an empty graph": {
			draw: func(b *bytes.Buffer) { render.Mermaid(b, render.Graph{}) },
			want: "flowchart LR\n",
		},
		"dot escapes quotes": {
			draw: func(b *bytes.Buffer) {
				render.DOT(b, render.Graph{Nodes: []render.GraphNode{{Name: `a"b`, Type: "t", Deps: []string{"missing"}}}})
			},
			want: "digraph reconcile {\n  rankdir=LR;\n  node [shape=box];\n  \"a\\\"b\" [label=\"t a\\\"b\"];\n}\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			tc.draw(&b)
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChangedGraph: the markdown plan's graph holds what changes and what
// it touches, and nothing else.
func TestChangedGraph(t *testing.T) {
	ctx := t.Context()
	cases := map[string]struct {
		edit func(h *fakekind.Harness)
		want []string
	}{
		"nothing changes": {edit: func(*fakekind.Harness) {}, want: nil},
		"a function changes out of band: its role and its alias are drawn, not the lone role": {
			edit: func(h *fakekind.Harness) { h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024)) },
			want: []string{"~ end", "~ fn", "role"},
		},
		"the lone role is deleted out of band": {
			edit: func(h *fakekind.Harness) { h.Cloud.Remove(fakekind.Role, "demo-lone") },
			want: []string{"+ lone"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := fakekind.NewHarness()
			h.Cloud.Put(fakekind.Role, "demo-shared", map[string]any{"name": "demo-shared"})
			sp := h.Load(t, graphSpec, "")
			h.Apply(ctx, t, sp, false)
			tc.edit(h)
			var got []string
			for _, n := range render.ChangedGraph(h.Plan(ctx, t, sp, false)).Nodes {
				label := n.Name
				if n.Action != "no-op" {
					label = n.Action.Symbol() + " " + n.Name
				}
				got = append(got, label)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("nodes mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
