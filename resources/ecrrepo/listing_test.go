package ecrrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// recordDescribes makes f note what each DescribeRepositories asked:
// "list" for a page of the whole registry, else the names, space-separated.
// listErr, when set, fails every page.
func recordDescribes(f *fakeECR, listErr error) *[]string {
	var asked []string
	describe := f.describeRepositories
	f.describeRepositories = func(in *ecr.DescribeRepositoriesInput) (*ecr.DescribeRepositoriesOutput, error) {
		f.mu.Lock()
		if in.RepositoryNames == nil {
			asked = append(asked, "list")
		} else {
			asked = append(asked, strings.Join(in.RepositoryNames, " "))
		}
		f.mu.Unlock()
		if in.RepositoryNames == nil && listErr != nil {
			return nil, listErr
		}
		return describe(in)
	}
	return &asked
}

// A batch asks ECR by name whatever the registry holds (issue 14: the
// registry's listing costs the account, not the stack); only List lists
// the registry, once a plan for all its prefixes.
func TestPlanSharesOneListing(t *testing.T) {
	cases := map[string]struct {
		repos       []string // in the registry, besides the filler
		filler      string   // prefix of 1000 more repositories, filling the first page when it sorts first
		outsidePlan bool     // no BeginPlan
		listFails   bool
		observe     []string
		exists      []bool
		describes   []string // what each DescribeRepositories asked, in order
		listErr     bool
	}{
		"a batch by name, two Lists share one listing": {
			repos:   []string{"trip-a", "trip-b", "other"},
			observe: []string{"trip-a", "trip-b"}, exists: []bool{true, true},
			describes: []string{"trip-a trip-b", "list"},
		},
		"absent from a complete listing is confirmed by name, each on its own": {
			repos:   []string{"trip-a", "other"},
			observe: []string{"trip-a", "trip-b", "trip-c"}, exists: []bool{true, false, false},
			describes: []string{"trip-a trip-b trip-c", "trip-a", "trip-b", "trip-c", "list"},
		},
		"a registry of 1,000 more: the batch still by name, List two pages": {
			repos: []string{"trip-a", "trip-b", "other"}, filler: "aaa",
			observe: []string{"trip-a", "trip-b"}, exists: []bool{true, true},
			describes: []string{"trip-a trip-b", "list", "list"},
		},
		"the listing fails: by name, List reports it": {
			repos: []string{"trip-a", "trip-b"}, listFails: true,
			observe: []string{"trip-a", "trip-b"}, exists: []bool{true, true},
			describes: []string{"trip-a trip-b", "list"}, listErr: true,
		},
		"outside a plan: by name, List lists every time": {
			repos: []string{"trip-a", "trip-b", "other"}, outsidePlan: true,
			observe: []string{"trip-a", "trip-b"}, exists: []bool{true, true},
			describes: []string{"trip-a trip-b", "list", "list"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			repos := map[string]*memRepo{}
			for _, n := range tc.repos {
				repos[n] = &memRepo{tags: map[string]string{}}
			}
			if tc.filler != "" {
				for i := range listPageSize {
					repos[fmt.Sprintf("%s-%04d", tc.filler, i)] = &memRepo{}
				}
			}
			fake := newMemECR(repos)
			var listErr error
			if tc.listFails {
				listErr = errors.New("AccessDeniedException")
			}
			asked := recordDescribes(fake, listErr)
			k := NewWithAPI(fake)
			if !tc.outsidePlan {
				k.BeginPlan()
			}
			var reqs []reconcile.ObserveRequest
			for _, id := range tc.observe {
				reqs = append(reqs, reconcile.ObserveRequest{ID: id})
			}
			obs, err := k.ObserveBatch(ctx, reqs)
			if err != nil {
				t.Fatal(err)
			}
			var exists []bool
			for _, o := range obs {
				exists = append(exists, o.Exists)
			}
			if diff := cmp.Diff(tc.exists, exists); diff != "" {
				t.Errorf("exists (-want +got):\n%s", diff)
			}
			trip, err := k.List(ctx, "trip-")
			if tc.listErr {
				if err == nil {
					t.Error("List: want the listing's error")
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, n := range tc.repos {
					if strings.HasPrefix(n, "trip-") {
						want = append(want, n)
					}
				}
				if diff := cmp.Diff(want, trip); diff != "" {
					t.Errorf("List (-want +got):\n%s", diff)
				}
				if _, err := k.List(ctx, "other"); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tc.describes, *asked); diff != "" {
				t.Errorf("DescribeRepositories asked (-want +got):\n%s", diff)
			}
		})
	}
}

// BeginPlan drops the listing: within a plan it answers, the next plan
// lists again.
func TestBeginPlanRelists(t *testing.T) {
	ctx := context.Background()
	repos := map[string]*memRepo{"trip-a": {tags: map[string]string{}}, "trip-b": {tags: map[string]string{}}}
	fake := newMemECR(repos)
	asked := recordDescribes(fake, nil)
	k := NewWithAPI(fake)
	k.BeginPlan()
	if _, err := k.ObserveBatch(ctx, []reconcile.ObserveRequest{{ID: "trip-a"}, {ID: "trip-b"}}); err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]string{{"trip-a", "trip-b"}, {"trip-a", "trip-b"}, {"trip-a", "trip-b", "trip-c"}} {
		got, err := k.List(ctx, "trip-")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("List %d (-want +got):\n%s", i, diff)
		}
		repos["trip-c"] = &memRepo{} // made after the plan's listing
		if i == 1 {
			k.BeginPlan()
		}
	}
	if diff := cmp.Diff([]string{"trip-a trip-b", "list", "list"}, *asked); diff != "" {
		t.Errorf("DescribeRepositories asked (-want +got):\n%s", diff)
	}
}

// Observe never answers from the plan's listing: Create and Update observe
// through it right after changing the repository.
func TestObserveReadsByNameDuringAPlan(t *testing.T) {
	ctx := context.Background()
	repos := map[string]*memRepo{"trip-a": {tags: map[string]string{}}, "trip-b": {tags: map[string]string{}}}
	fake := newMemECR(repos)
	asked := recordDescribes(fake, nil)
	k := NewWithAPI(fake)
	k.BeginPlan()
	if _, err := k.ObserveBatch(ctx, []reconcile.ObserveRequest{{ID: "trip-a"}, {ID: "trip-b"}}); err != nil {
		t.Fatal(err)
	}
	delete(repos, "trip-a")
	obs, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "trip-a"})
	if err != nil || obs.Exists {
		t.Errorf("want absent, got %+v, %v", obs, err)
	}
	if diff := cmp.Diff([]string{"trip-a trip-b", "trip-a"}, *asked); diff != "" {
		t.Errorf("DescribeRepositories asked (-want +got):\n%s", diff)
	}
}
