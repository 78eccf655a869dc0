package lambdafn

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// planStep is one thing the engine does to the kind during plans.
type planStep struct {
	begin bool     // BeginPlan
	batch []string // ObserveBatch of these functions
	list  string   // List with this prefix, when not ""
}

// TestPlanListing: within a plan, List lists the account's function
// names once for every prefix (ListFunctions without versions); batches
// never list the account, so their cost follows the stack, not the
// account; BeginPlan drops the names.
func TestPlanListing(t *testing.T) {
	cases := map[string]struct {
		api       *fakeLambda
		steps     []planStep
		wantLists [][]string // what each List returned, in order
		wantCalls map[string]int
	}{
		"a batch of two in an account of 300 reads two functions": {
			api:       batchFake(300, 50),
			steps:     []planStep{{begin: true}, {batch: []string{"f0", "f1"}}},
			wantCalls: map[string]int{"GetFunction": 2, "ListVersionsByFunction": 2},
		},
		"List after batches lists names once, a page per 50 functions": {
			api:       batchFake(120, 50),
			steps:     []planStep{{begin: true}, {batch: []string{"f0"}}, {batch: []string{"f1"}}, {list: "f11"}, {list: "f9"}},
			wantLists: [][]string{{"f11", "f110", "f111", "f112", "f113", "f114", "f115", "f116", "f117", "f118", "f119"}, {"f9", "f90", "f91", "f92", "f93", "f94", "f95", "f96", "f97", "f98", "f99"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListVersionsByFunction": 2, "ListFunctions": 3},
		},
		"BeginPlan drops the names": {
			api:       batchFake(3, 50),
			steps:     []planStep{{begin: true}, {list: "f1"}, {begin: true}, {list: "f"}},
			wantLists: [][]string{{"f1"}, {"f0", "f1", "f2"}},
			wantCalls: map[string]int{"ListFunctions": 2},
		},
		"outside a plan nothing is kept": {
			api:       batchFake(2, 50),
			steps:     []planStep{{batch: []string{"f0", "f1"}}, {list: "f"}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1"}, {"f0", "f1"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListVersionsByFunction": 2, "ListFunctions": 2},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			k := NewWithAPI(tc.api)
			var lists [][]string
			for _, s := range tc.steps {
				switch {
				case s.begin:
					k.BeginPlan()
				case s.list != "":
					ids, err := k.List(ctx, s.list)
					if err != nil {
						t.Fatal(err)
					}
					lists = append(lists, ids)
				default:
					checkBatch(ctx, t, k, s.batch)
				}
			}
			if d := cmp.Diff(tc.wantLists, lists); d != "" {
				t.Errorf("List (-want +got):\n%s", d)
			}
			calls := map[string]int{}
			for _, c := range tc.api.calls.List() {
				calls[c]++
			}
			if d := cmp.Diff(tc.wantCalls, calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

// checkBatch observes names, functions of batchFake, and checks that
// each fi has its latest version i ("" for f0).
func checkBatch(ctx context.Context, t *testing.T, k *Kind, names []string) {
	t.Helper()
	var reqs []reconcile.ObserveRequest
	for _, n := range names {
		reqs = append(reqs, reconcile.ObserveRequest{Name: n, ID: n})
	}
	obs, err := k.ObserveBatch(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != len(names) {
		t.Fatalf("%d observations for %d requests", len(obs), len(names))
	}
	for i, ob := range obs {
		want := strings.TrimPrefix(names[i], "f")
		if want == "0" {
			want = ""
		}
		if got := ob.Attrs["version"]; got != want {
			t.Errorf("%s: version %q, want %q", names[i], got, want)
		}
	}
}
