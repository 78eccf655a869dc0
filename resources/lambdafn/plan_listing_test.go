package lambdafn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// planStep is one thing the engine does to the kind during plans.
type planStep struct {
	begin bool     // BeginPlan
	batch []string // ObserveBatch of these functions
	list  string   // List with this prefix, when not ""
}

// TestPlanListing: within a plan, ObserveBatch and List share one listing
// of every version; a listing cut short or failed leaves both to read on
// their own, and BeginPlan drops it.
func TestPlanListing(t *testing.T) {
	failAll := func(f *fakeLambda) *fakeLambda {
		list := f.listFunctions
		f.listFunctions = func(in *lambda.ListFunctionsInput) (*lambda.ListFunctionsOutput, error) {
			if in.FunctionVersion == types.FunctionVersionAll {
				return nil, errors.New("throttled")
			}
			return list(in)
		}
		return f
	}
	cases := map[string]struct {
		api       *fakeLambda
		steps     []planStep
		wantLists [][]string // what each List returned, in order
		wantCalls map[string]int
	}{
		"a batch of two and List share one listing": {
			api:       batchFake(2, 50),
			steps:     []planStep{{begin: true}, {batch: []string{"f0", "f1"}}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListFunctions(ALL)": 1},
		},
		"batches of one at different levels share the listing with List": {
			// The repo's spec: the api function waits for the agent's alias.
			api:       batchFake(2, 50),
			steps:     []planStep{{begin: true}, {batch: []string{"f0"}}, {batch: []string{"f1"}}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListFunctions(ALL)": 1},
		},
		"a later batch goes on with a listing cut short": {
			// 10 versions at 4 a page take 3 pages: one function allows
			// 1, three allow 2 more.
			api: batchFake(4, 4),
			steps: []planStep{
				{begin: true}, {batch: []string{"f0"}}, {batch: []string{"f1", "f2", "f3"}}, {list: "f"},
			},
			wantLists: [][]string{{"f0", "f1", "f2", "f3"}},
			wantCalls: map[string]int{"GetFunction": 4, "ListFunctions(ALL)": 3, "ListVersionsByFunction": 1},
		},
		"a listing cut short falls back for both": {
			// 6 versions at 2 a page take 3 pages; 3 functions allow 2.
			api:       batchFake(3, 2),
			steps:     []planStep{{begin: true}, {batch: []string{"f0", "f1", "f2"}}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1", "f2"}},
			wantCalls: map[string]int{
				"GetFunction": 3, "ListFunctions(ALL)": 2, "ListVersionsByFunction": 3,
				"ListFunctions": 2, // 3 functions at 2 a page
			},
		},
		"a failed listing falls back for both": {
			api:       failAll(batchFake(2, 50)),
			steps:     []planStep{{begin: true}, {batch: []string{"f0", "f1"}}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListFunctions(ALL)": 1, "ListVersionsByFunction": 2, "ListFunctions": 1},
		},
		"a later batch of the plan reads the listing; BeginPlan drops it": {
			api: batchFake(4, 50),
			steps: []planStep{
				{begin: true}, {batch: []string{"f0", "f1"}}, {batch: []string{"f2", "f3"}}, {list: "f"},
				{begin: true}, {batch: []string{"f0", "f1"}},
			},
			wantLists: [][]string{{"f0", "f1", "f2", "f3"}},
			wantCalls: map[string]int{"GetFunction": 6, "ListFunctions(ALL)": 2},
		},
		"List before any batch lists once for every prefix": {
			api:       batchFake(3, 50),
			steps:     []planStep{{begin: true}, {list: "f1"}, {list: "f"}},
			wantLists: [][]string{{"f1"}, {"f0", "f1", "f2"}},
			wantCalls: map[string]int{"ListFunctions": 1},
		},
		"outside a plan nothing is kept": {
			api:       batchFake(2, 50),
			steps:     []planStep{{batch: []string{"f0", "f1"}}, {list: "f"}, {list: "f"}},
			wantLists: [][]string{{"f0", "f1"}, {"f0", "f1"}},
			wantCalls: map[string]int{"GetFunction": 2, "ListFunctions(ALL)": 1, "ListFunctions": 2},
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
