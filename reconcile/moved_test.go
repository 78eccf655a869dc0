package reconcile_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
)

// A record an import made (no digest: never applied) is adopted: what
// differs is the spec being taken over, never a spec change or drift.
func TestPlanImportedRecordIsAdopted(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	sp := h.Load(t, baseSpec, "")
	h.Apply(ctx, t, sp, false)
	st := h.Store.State()
	for name, r := range st.Resources {
		r.Digest = ""
		st.Resources[name] = r
	}
	if err := h.Store.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	h.Cloud.Set(fakekind.Function, "demo-fn", "memory_size", int64(1024))

	p := h.Plan(ctx, t, sp, false)
	want := map[string]change{
		"fn":   {reconcile.Update, reconcile.Adopted, []string{"memory_size"}},
		"live": {reconcile.Update, reconcile.Adopted, []string{"function_version"}},
	}
	if diff := cmp.Diff(want, changes(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
	h.Cloud.ResetOps()
	if r, err := h.ApplyPlan(ctx, p); err != nil || r.Err() != nil {
		t.Fatalf("Apply() = %v, %v", err, r.Err())
	}
	for _, op := range h.Cloud.Ops() {
		if op.Verb != "update" {
			t.Errorf("adopting an imported record made %v", op)
		}
	}
	for name, r := range h.Store.State().Resources {
		if r.Digest == "" {
			t.Errorf("%s: the apply recorded no digest", name)
		}
	}
	if diff := cmp.Diff(map[string]change{}, changes(h.Plan(ctx, t, sp, false))); diff != "" {
		t.Errorf("plan after apply (-want +got):\n%s", diff)
	}
}

// Renaming a resource with moved: renames its record and calls no kind
// operation; the plan shows a move, then nothing.
func TestPlanMoved(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
	before := h.Store.State()

	renamed := strings.NewReplacer("  fn:\n", "  function:\n", "${fn.version}", "${function.version}").Replace(baseSpec) +
		"moved:\n  - {from: fn, to: function}\n"
	sp := h.Load(t, renamed, "")
	p := h.Plan(ctx, t, sp, false)
	if diff := cmp.Diff(map[string]change{"function": {reconcile.Move, reconcile.Moved, nil}}, changes(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
	if c := p.Change("function"); c == nil || c.MovedFrom != "fn" || c.ID != before.Resources["fn"].ID {
		t.Errorf("the move = %+v, want from fn with id %s", c, before.Resources["fn"].ID)
	}
	if p.Summary().Move != 1 || !p.HasChanges() {
		t.Errorf("summary = %+v, has changes %t; want one move", p.Summary(), p.HasChanges())
	}
	h.Cloud.ResetOps()
	if r, err := h.ApplyPlan(ctx, p); err != nil || r.Err() != nil {
		t.Fatalf("Apply() = %v, %v", err, r.Err())
	}
	if ops := h.Cloud.Ops(); len(ops) != 0 {
		t.Errorf("the move called the kinds: %v", ops)
	}
	after := h.Store.State()
	if _, ok := after.Resources["fn"]; ok {
		t.Error("the state still records fn")
	}
	if got, want := after.Resources["function"], before.Resources["fn"]; got.ID != want.ID || got.Digest != want.Digest {
		t.Errorf("function's record = %+v, want fn's %+v", got, want)
	}
	if diff := cmp.Diff([]string{"function"}, after.Resources["live"].Deps); diff != "" {
		t.Errorf("live's dependencies (-want +got):\n%s", diff)
	}
	if p := h.Plan(ctx, t, sp, false); p.HasChanges() || p.NeedsStateWrite() {
		t.Errorf("plan after the move: %v", changes(p))
	}
}

// A move whose both names the state records is refused, nothing deleted.
func TestPlanMovedBothRecorded(t *testing.T) {
	ctx := t.Context()
	h := newHarness()
	h.Apply(ctx, t, h.Load(t, baseSpec, ""), false)
	st := h.Store.State()
	st.Resources["function"] = st.Resources["fn"]
	if err := h.Store.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	renamed := strings.NewReplacer("  fn:\n", "  function:\n", "${fn.version}", "${function.version}").Replace(baseSpec) +
		"moved:\n  - {from: fn, to: function}\n"
	p := h.Plan(ctx, t, h.Load(t, renamed, ""), false)
	if len(p.Errors) != 1 || !strings.Contains(p.Errors[0], "records both names") {
		t.Errorf("errors = %q", p.Errors)
	}
}
