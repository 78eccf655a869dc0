package loggroup

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// A subscription filter added by hand ships the group's events elsewhere:
// the stack declares none, so it is drift and Update deletes it.
func TestSubscriptionFilterAddedByHandIsRemoved(t *testing.T) {
	ctx := context.Background()
	fake := newMemLogs(map[string]*memGroup{})
	k := NewWithAPI(fake)
	if _, err := k.Create(ctx, desiredGroup()); err != nil {
		t.Fatal(err)
	}
	fake.filters = map[string][]string{groupName: {"exfiltrate"}}
	live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: groupName, Desired: desiredGroup()})
	if err != nil {
		t.Fatal(err)
	}
	diff := reconcile.ComputeDiff(k.Schema(), desiredGroup(), live.Props, nil)
	if d := cmp.Diff([]string{"subscription_filters"}, diff.Paths()); d != "" {
		t.Fatalf("diff paths (-want +got):\n%s", d)
	}
	fake.calls = nil
	obs, err := k.Update(ctx, reconcile.UpdateRequest{ID: groupName, Desired: desiredGroup(), Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"DeleteSubscriptionFilter exfiltrate"}, writes(fake.calls)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desiredGroup(), obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after update: %v", d.Paths())
	}
}
