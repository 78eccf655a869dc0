package kindkit

import (
	"sync"
	"testing"
)

func TestPlanListingSharedUntilBeginPlan(t *testing.T) {
	var l PlanListing[int]
	a := l.Current()
	if l.Current() != a {
		t.Fatal("two reads of one plan got different listings")
	}
	l.BeginPlan()
	b := l.Current()
	if b == a {
		t.Fatal("the listing read after BeginPlan is the earlier one")
	}
	if l.Current() != b {
		t.Fatal("two reads after BeginPlan got different listings")
	}
}

func TestPlanListingInPlan(t *testing.T) {
	var l PlanListing[int]
	x, ok := l.InPlan()
	y, _ := l.InPlan()
	if ok || x == y {
		t.Fatalf("before any plan: InPlan = %p, %v then %p; want fresh unkept listings and false", x, ok, y)
	}
	l.BeginPlan()
	x, ok = l.InPlan()
	if !ok || x != l.Current() {
		t.Fatalf("in a plan: InPlan = %p, %v; want the plan's listing %p and true", x, ok, l.Current())
	}
}

func TestPlanListingConcurrentReadersShareOne(t *testing.T) {
	var l PlanListing[int]
	l.BeginPlan()
	got := make([]*int, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], _ = l.InPlan() })
	}
	wg.Wait()
	for _, p := range got[1:] {
		if p != got[0] {
			t.Fatal("concurrent readers of one plan got different listings")
		}
	}
}
