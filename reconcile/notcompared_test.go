package reconcile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
)

// TestPlanWithoutTheSecret: with the sensitive input unset, the field it
// feeds is reported as not compared and never as a change, whatever AWS
// holds; every other field is compared and classified as usual; and such
// a plan cannot be applied.
func TestPlanWithoutTheSecret(t *testing.T) {
	cases := map[string]struct {
		outOfBand func(*fakekind.Cloud)
		want      map[string]change
	}{
		"nothing changed": {want: map[string]change{}},
		"the secret rotated by hand": {
			outOfBand: func(c *fakekind.Cloud) { c.Set(fakekind.Secret, "demo-secret", "value", "changed-by-hand") },
			want:      map[string]change{},
		},
		"another resource changed by hand": {
			outOfBand: func(c *fakekind.Cloud) { c.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024)) },
			want: map[string]change{
				"fn":   {reconcile.Update, reconcile.OutOfBand, []string{"memory_size"}},
				"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			h := newHarness()
			h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
			if tc.outOfBand != nil {
				tc.outOfBand(h.Cloud)
			}
			delete(h.Env, "TOKEN")
			h.AllowUnsetInputs = true
			p := h.Plan(ctx, t, h.Load(t, baseSpec, ""), false)
			if diff := cmp.Diff(tc.want, changes(p)); diff != "" {
				t.Errorf("plan mismatch (-want +got):\n%s", diff)
			}
			if got := p.HasChanges(); got != (len(tc.want) > 0) {
				t.Errorf("HasChanges() = %v with changes %v", got, tc.want)
			}
			if p.NeedsStateWrite() {
				t.Error("the plan wants to rewrite the state: the unset value counted as a spec change")
			}
			wantNote := []reconcile.NotCompared{{Path: "value", Reason: "TOKEN unset"}}
			if diff := cmp.Diff(wantNote, p.Change("secret").NotCompared); diff != "" {
				t.Errorf("secret's NotCompared mismatch (-want +got):\n%s", diff)
			}
			for _, c := range p.Changes {
				if c.Name != "secret" && c.NotCompared != nil {
					t.Errorf("%s: NotCompared %v, want none", c.Name, c.NotCompared)
				}
			}
			h.Cloud.ResetOps()
			_, err := h.ApplyPlan(ctx, p)
			if want := "secret.value (TOKEN unset)"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Apply() = %v, want a refusal naming %s", err, want)
			}
			if ops := h.Cloud.Ops(); len(ops) > 0 {
				t.Errorf("the refused apply sent %v", ops)
			}
		})
	}
}

// TestPlanWithoutTheSecretSeesSpecChanges: a spec change next to the unset
// input is still a spec change.
func TestPlanWithoutTheSecretSeesSpecChanges(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
	delete(h.Env, "TOKEN")
	h.AllowUnsetInputs = true
	sp := h.Load(t, strings.Replace(baseSpec, "memory_size: 256", "memory_size: 512", 1), "")
	want := map[string]change{
		"fn":   {reconcile.Update, reconcile.SpecChanged, []string{"memory_size"}},
		"live": {reconcile.Update, reconcile.DependencyChanged, []string{"function_version"}},
	}
	if diff := cmp.Diff(want, changes(h.Plan(ctx, t, sp, false))); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
}
