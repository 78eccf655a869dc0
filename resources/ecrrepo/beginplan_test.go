package ecrrepo

import (
	"testing"

	"github.com/trip-assistant/stack/internal/tagindex/tagindextest"
	"github.com/trip-assistant/stack/reconcile"
)

// TestBeginPlanResetsTheTagIndex: each plan confirms tags from its own
// listing, never an earlier plan's.
func TestBeginPlanResetsTheTagIndex(t *testing.T) {
	idx := &tagindextest.ResetCounter{}
	var k reconcile.PlanScoped = NewWithAPI(nil, WithTagIndex(idx))
	k.BeginPlan()
	k.BeginPlan()
	if idx.Resets != 2 {
		t.Errorf("tag index reset %d times over two plans, want 2", idx.Resets)
	}
}
