package kindtesting

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Writes returns calls without the reads named, in order: what a test of
// an update compares, since how often a kind reads is not its business.
func Writes(calls []string, reads ...string) []string {
	var out []string
	for _, c := range calls {
		if !slices.Contains(reads, c) {
			out = append(out, c)
		}
	}
	return out
}

// DeleteTreatsNotFoundAsDone checks that absent (a kind whose API holds
// nothing) deletes id "/gone" without error, and that failing (a kind
// whose delete call fails with another error) reports the error for "/x".
// what names the resource in the message ("group").
func DeleteTreatsNotFoundAsDone(t *testing.T, absent, failing reconcile.Kind, what string) {
	t.Helper()
	if err := absent.Delete(context.Background(), "/gone"); err != nil {
		t.Errorf("deleting an absent %s: %v", what, err)
	}
	if err := failing.Delete(context.Background(), "/x"); err == nil {
		t.Error("other errors must fail the delete")
	}
}

// UpdateWrites updates live towards desired by the diff between them, and
// checks that the update made exactly wantWrites (what writes keeps of the
// calls the fake records in *calls from then on) and left no diff.
func UpdateWrites(t *testing.T, k reconcile.Kind, desired spec.Props, live reconcile.Observation,
	calls *[]string, writes func([]string) []string, wantWrites []string) {
	t.Helper()
	diff := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	*calls = nil
	obs, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: live.ID, Desired: desired, Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantWrites, writes(*calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after update: %v", d.Paths())
	}
}
