package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/spec"
)

const movedBase = `project: demo
region: us-east-2
resources:
  role:
    type: fake.role
    properties: {name: demo-role}
  other:
    type: fake.role
    properties: {name: demo-other}
data:
  shared:
    type: fake.role
    properties: {name: shared}
environments:
  dev:
  off:
    resources:
      role: {enabled: false}
`

func TestLoadMoved(t *testing.T) {
	s, err := spec.Load("spec.yaml", []byte(movedBase+"moved:\n  - {from: old_role, to: role}\n"), loadOpts("", nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]spec.Move{{From: "old_role", To: "role", Pos: spec.Pos{Line: 20, Col: 5}}}, s.Moves); diff != "" {
		t.Errorf("moves (-want +got):\n%s", diff)
	}
	if s.MovedFrom("role") != "old_role" || s.MovedFrom("other") != "" {
		t.Errorf("MovedFrom(role, other) = %q, %q", s.MovedFrom("role"), s.MovedFrom("other"))
	}
	// Where the resource is disabled there is nothing to move into.
	off, err := spec.Load("spec.yaml", []byte(movedBase+"moved:\n  - {from: old_role, to: role}\n"), loadOpts("off", nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(off.Moves) != 0 {
		t.Errorf("moves in an environment without role = %v", off.Moves)
	}
}

func TestLoadMovedErrors(t *testing.T) {
	cases := map[string]struct {
		moved string
		want  []specErr
	}{
		"from still declared": {"  - {from: other, to: role}\n", []specErr{{"spec.yaml:20:12", "moved[0].from", "other is still declared under resources"}}},
		"from a data source":  {"  - {from: shared, to: role}\n", []specErr{{"spec.yaml:20:12", "moved[0].from", "shared is still declared under data"}}},
		"to missing":          {"  - {from: gone, to: nowhere}\n", []specErr{{"spec.yaml:20:22", "moved[0].to", "no resource nowhere is declared"}}},
		"to a data source":    {"  - {from: gone, to: shared}\n", []specErr{{"spec.yaml:20:22", "moved[0].to", "shared is a data source"}}},
		"twice to one name": {"  - {from: a, to: role}\n  - {from: b, to: role}\n",
			[]specErr{{"spec.yaml:21:19", "moved[1].to", "two resources are moved to role"}}},
		"one name moved twice": {"  - {from: a, to: role}\n  - {from: a, to: other}\n",
			[]specErr{{"spec.yaml:21:12", "moved[1].from", "a is moved twice"}}},
		"no to":       {"  - {from: a}\n", []specErr{{"spec.yaml:20:5", "moved[0].to", "required field is missing"}}},
		"bad name":    {"  - {from: Old-Name, to: role}\n", []specErr{{"spec.yaml:20:12", "moved[0].from", "resource names are lowercase"}}},
		"not a list":  {"  from: a\n", []specErr{{"spec.yaml:20:3", "moved", "expected a list"}}},
		"extra field": {"  - {from: a, to: role, why: x}\n", []specErr{{"spec.yaml:20:25", "moved[0].why", "unknown field (expected from, to)"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := spec.Load("spec.yaml", []byte(movedBase+"moved:\n"+tc.moved), loadOpts("", nil))
			if diff := cmp.Diff(tc.want, gotErrs(t, err, tc.want)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
