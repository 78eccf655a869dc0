package reconcile_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
)

func planNames(p *reconcile.Plan) []string {
	var out []string
	for _, c := range p.Changes {
		out = append(out, c.Name)
	}
	return slices.Sorted(maps.Keys(setOf(out)))
}

func setOf(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// TestTargetScope: a target brings what it depends on (for a destroy, what
// depends on it), the plan names what it leaves out, and a targeted apply
// leaves the rest, its changes and its records alone.
func TestTargetScope(t *testing.T) {
	cases := map[string]struct {
		targets      []string
		destroy      bool
		wantIn       []string
		wantExcluded []string
		wantChanges  map[string]change
		// wantNext: what the next full plan still changes.
		wantNext []string
	}{
		"a target and its dependencies": {
			targets: []string{"fn"}, wantIn: []string{"fn", "role"}, wantExcluded: []string{"live", "secret"},
			wantChanges: map[string]change{"fn": {reconcile.Update, reconcile.SpecChanged, []string{"memory_size"}}},
			wantNext:    []string{"live", "secret"},
		},
		"two targets": {
			targets: []string{"live", "secret"}, wantIn: []string{"fn", "live", "role", "secret"},
			wantChanges: map[string]change{
				"fn":     {reconcile.Update, reconcile.SpecChanged, []string{"memory_size"}},
				"live":   {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
				"secret": {reconcile.Update, reconcile.SpecChanged, []string{"value"}},
			},
		},
		"a destroy takes what depends on the target": {
			targets: []string{"fn"}, destroy: true, wantIn: []string{"fn", "live"}, wantExcluded: []string{"role", "secret"},
			wantChanges: map[string]change{
				"fn":   {reconcile.Delete, reconcile.Destroying, nil},
				"live": {reconcile.Delete, reconcile.Destroying, nil},
			},
			wantNext: []string{"role", "secret"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			h := newHarness()
			h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
			h.Env["TOKEN"] = "rotated"
			sp := h.Load(t, strings.Replace(baseSpec, "memory_size: 256", "memory_size: 512", 1), "")
			before := h.Store.State()
			p, err := h.PlanWith(ctx, sp, reconcile.PlanOptions{Targets: tc.targets, Destroy: tc.destroy})
			if err != nil {
				t.Fatalf("Plan() = %v", err)
			}
			if diff := cmp.Diff(tc.wantIn, planNames(p)); diff != "" {
				t.Errorf("planned resources mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantExcluded, p.Excluded); diff != "" {
				t.Errorf("Plan.Excluded mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantChanges, changes(p)); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
			r, err := h.ApplyPlan(ctx, p)
			if err != nil || r.Err() != nil {
				t.Fatalf("Apply() = %v, %v", err, r.Err())
			}
			after := h.Store.State()
			for _, n := range tc.wantExcluded {
				if diff := cmp.Diff(before.Resources[n], after.Resources[n]); diff != "" {
					t.Errorf("the record of %s, left out, changed (-before +after):\n%s", n, diff)
				}
			}
			if len(r.Outputs) != 0 {
				t.Errorf("a targeted apply gave outputs %v; it sees part of the stack", r.Outputs)
			}
			// What was left out is still to do; what was in is done.
			if diff := cmp.Diff(tc.wantNext, slices.Sorted(maps.Keys(changes(h.Plan(ctx, t, sp, tc.destroy)))), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("changes left after the targeted apply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTargetAndReplaceRefusals(t *testing.T) {
	const withData = baseSpec + `data:
  shared:
    type: fake.role
    properties:
      name: shared-role
`
	cases := map[string]struct {
		o    reconcile.PlanOptions
		want string
	}{
		"unknown target":         {reconcile.PlanOptions{Targets: []string{"fun"}}, "--target fun: no resource of the spec or the state is named fun (did you mean fn?)"},
		"unknown replace":        {reconcile.PlanOptions{Replace: []string{"rol"}}, "--replace rol: no resource of the spec is named rol (did you mean role?)"},
		"replace out of targets": {reconcile.PlanOptions{Targets: []string{"fn"}, Replace: []string{"secret"}}, "--replace secret: secret is outside the plan's --target scope; target it too"},
		"replace a data source":  {reconcile.PlanOptions{Replace: []string{"shared"}}, "--replace shared: shared is a data source, read and never written by this stack"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := newHarness()
			h.Cloud.Put(fakekind.Role, "shared-role", map[string]any{"name": "shared-role"})
			_, err := h.PlanWith(t.Context(), h.Load(t, withData, ""), tc.o)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Plan() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestReplaceRequested: --replace replaces what nothing forces, its
// dependents see its new attributes, and a resource being made is made.
func TestReplaceRequested(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	h.Cloud.ResetOps()

	p, err := h.PlanWith(ctx, sp, reconcile.PlanOptions{Replace: []string{"role"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]change{
		"role": {reconcile.Replace, reconcile.ReplaceRequested, nil},
		"fn":   {reconcile.Update, reconcile.DependencyChanged, []string{"role"}},
		"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
	}
	if diff := cmp.Diff(want, changes(p)); diff != "" {
		t.Fatalf("plan mismatch (-want +got):\n%s", diff)
	}
	if r, err := h.ApplyPlan(ctx, p); err != nil || r.Err() != nil {
		t.Fatalf("Apply() = %v, %v", err, r.Err())
	}
	ops := h.Cloud.Ops()
	del, create := opIndex(ops, "delete", "demo-role"), opIndex(ops, "create", "demo-role")
	if del < 0 || create < del {
		t.Errorf("ops %v: want the role deleted, then created", ops)
	}
	if diff := cmp.Diff(map[string]change{}, changes(h.Plan(ctx, t, sp, false))); diff != "" {
		t.Errorf("plan after the replace is not all no-op (-want +got):\n%s", diff)
	}

	fresh := newHarness()
	p, err = fresh.PlanWith(ctx, fresh.Load(t, baseSpec, ""), reconcile.PlanOptions{Replace: []string{"role"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Change("role"); c.Action != reconcile.Create {
		t.Errorf("--replace of a role not made yet: %s, want create", c.Action)
	}
}
