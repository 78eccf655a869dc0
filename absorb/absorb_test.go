package absorb_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/absorb"
	"github.com/trip-assistant/stack/reconcile"
)

const specText = `project: demo
environment: dev
region: us-east-2
resources:
  logs:
    type: logs.log_group
    properties:
      name: /demo/logs   # the group
      retention_days: &keep 7
  other_logs:
    type: logs.log_group
    properties:
      name: "/demo/${environment}"
      retention_days: *keep
  fn:
    type: lambda.function
    properties:
      description: 'the function'
      memory_size: 512
environments:
  prod:
    resources:
      fn:
        properties: {memory_size: 2048}
`

func drift(name string, diffs ...reconcile.FieldDiff) *reconcile.Change {
	return &reconcile.Change{Name: name, Action: reconcile.Update, Class: reconcile.OutOfBand, Diff: diffs}
}

func TestAbsorb(t *testing.T) {
	cases := map[string]struct {
		env     string
		changes []*reconcile.Change
		names   []string
		edits   []string // Where=New
		skipped []string // resource path
		want    string   // the replacements made in specText
	}{
		"base values in the default environment": {
			env: "dev",
			changes: []*reconcile.Change{
				drift("fn", reconcile.FieldDiff{Path: "memory_size", Before: int64(1024), After: int64(512)},
					reconcile.FieldDiff{Path: "description", Before: "by hand", After: "the function"}),
				drift("logs", reconcile.FieldDiff{Path: "name", Before: "/demo/other", After: "/demo/logs"}),
			},
			edits: []string{"resources.fn.properties.memory_size=1024", "resources.fn.properties.description=\"by hand\"", "resources.logs.properties.name=/demo/other"},
			want:  "memory_size: 1024|description: \"by hand\"|name: /demo/other   # the group",
		},
		"an override in its environment": {
			env:     "prod",
			changes: []*reconcile.Change{drift("fn", reconcile.FieldDiff{Path: "memory_size", Before: int64(4096), After: int64(2048)})},
			edits:   []string{"environments.prod.resources.fn.properties.memory_size=4096"},
			want:    "properties: {memory_size: 4096}",
		},
		"refused: anchor, alias, template, secret; not named": {
			env: "dev",
			changes: []*reconcile.Change{
				drift("logs", reconcile.FieldDiff{Path: "retention_days", Before: int64(30)}),
				drift("other_logs", reconcile.FieldDiff{Path: "retention_days", Before: int64(30)}, reconcile.FieldDiff{Path: "name", Before: "/x"},
					reconcile.FieldDiff{Path: "value", Before: reconcile.Sensitive, Sensitive: true}),
				drift("fn", reconcile.FieldDiff{Path: "description", Before: "x"}),
			},
			names:   []string{"logs", "other_logs"},
			skipped: []string{"logs retention_days", "other_logs retention_days", "other_logs name", "other_logs value"},
		},
		"a value of one environment with no override there": {
			env:     "prod",
			changes: []*reconcile.Change{drift("logs", reconcile.FieldDiff{Path: "name", Before: "/x"})},
			skipped: []string{"logs name"},
		},
		"only out-of-band changes": {
			env:     "dev",
			changes: []*reconcile.Change{{Name: "fn", Action: reconcile.Update, Class: reconcile.SpecChanged, Diff: reconcile.Diff{{Path: "memory_size", Before: int64(1)}}}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := absorb.Absorb([]byte(specText), tc.changes, absorb.Options{File: "spec.yaml", Environment: tc.env, Names: tc.names})
			if err != nil {
				t.Fatal(err)
			}
			var edits, skipped []string
			for _, e := range res.Edits {
				edits = append(edits, e.Where+"="+e.New)
			}
			for _, s := range res.Skipped {
				skipped = append(skipped, s.Resource+" "+s.Path)
			}
			if diff := cmp.Diff(tc.edits, edits); diff != "" {
				t.Errorf("edits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.skipped, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			// Every other byte of the file is as it was.
			want := specText
			for _, r := range []struct{ old, new string }{
				{"memory_size: 512", "memory_size: 1024"}, {"description: 'the function'", "description: \"by hand\""},
				{"name: /demo/logs   # the group", "name: /demo/other   # the group"}, {"properties: {memory_size: 2048}", "properties: {memory_size: 4096}"},
			} {
				if strings.Contains(tc.want, r.new) {
					want = strings.Replace(want, r.old, r.new, 1)
				}
			}
			if diff := cmp.Diff(want, string(res.After)); diff != "" {
				t.Errorf("spec after (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAbsorbUnknownName(t *testing.T) {
	_, err := absorb.Absorb([]byte(specText), []*reconcile.Change{drift("fn")}, absorb.Options{File: "spec.yaml", Environment: "dev", Names: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope: no resource of that name") {
		t.Errorf("err = %v", err)
	}
}
