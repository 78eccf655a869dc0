package kindtest

import (
	"context"
	"strings"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// AssertNoDiff fails the test unless obs exists and matches desired.
func AssertNoDiff(t testing.TB, k reconcile.Kind, desired spec.Props, obs reconcile.Observation) {
	t.Helper()
	if !obs.Exists {
		t.Fatalf("%s: resource absent", k.Type())
	}
	if d := reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil); len(d) > 0 {
		t.Errorf("%s: unexpected diff %v", k.Type(), d.Paths())
	}
}

// Update diffs desired against live, wants exactly wantPaths (comma
// separated) to differ, updates, and checks that the result and a new
// observation by the returned ID both converged.
func Update(t testing.TB, k reconcile.Kind, desired spec.Props, live reconcile.Observation, wantPaths string) reconcile.Observation {
	t.Helper()
	diff := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	if got := strings.Join(diff.Paths(), ","); got != wantPaths {
		t.Fatalf("%s: diff = %s, want %s", k.Type(), got, wantPaths)
	}
	obs, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: live.ID, Desired: desired, Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	AssertNoDiff(t, k, desired, obs)
	// Observe again by the returned ID, as the next run would.
	again, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: obs.ID, Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	AssertNoDiff(t, k, desired, again)
	return again
}

// Delete deletes the resource known by id, deletes it again (deleting an
// absent resource must succeed), and checks that it is then observed
// absent.
func Delete(t testing.TB, k reconcile.Kind, id string) {
	t.Helper()
	ctx := context.Background()
	if err := k.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, id); err != nil {
		t.Errorf("second delete: %v", err)
	}
	gone, err := k.Observe(ctx, reconcile.ObserveRequest{ID: id})
	if err != nil || gone.Exists {
		t.Errorf("after delete: %+v, %v", gone, err)
	}
}
