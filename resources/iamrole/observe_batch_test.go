package iamrole

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// fakeIndex lists the roles in listed, as resources/internal/iamindex would.
type fakeIndex struct {
	listed map[string]bool
	mu     sync.Mutex
	pages  int // maxPages of the last call
}

func (f *fakeIndex) RoleNames(context.Context) ([]string, bool) { return nil, false }

func (f *fakeIndex) Reset() {}

func (f *fakeIndex) InlinePolicyNames(_ context.Context, name string, _ int) ([]string, bool) {
	return []string{"inline"}, f.listed[name]
}

func (f *fakeIndex) RoleTags(context.Context) (map[string]map[string]string, bool) { return nil, false }

var _ Index = (*fakeIndex)(nil)

func (f *fakeIndex) Role(_ context.Context, name string, maxPages int) (types.Role, []string, bool) {
	f.mu.Lock()
	f.pages = maxPages
	f.mu.Unlock()
	if !f.listed[name] {
		return types.Role{}, nil, false
	}
	r := *liveRole()
	r.RoleName, r.Arn = aws.String(name), aws.String("arn:aws:iam::123456789012:role/"+name)
	return r, []string{"arn:aws:iam::aws:policy/a", "arn:aws:iam::aws:policy/b"}, true
}

func TestObserveBatchReadsListedRolesFromTheIndex(t *testing.T) {
	getRole := func(in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		if aws.ToString(in.RoleName) == "gone" {
			return nil, noSuchEntity()
		}
		r := liveRole()
		r.RoleName, r.Arn = in.RoleName, aws.String("arn:aws:iam::123456789012:role/"+aws.ToString(in.RoleName))
		return &iam.GetRoleOutput{Role: r}, nil
	}
	reqs := []reconcile.ObserveRequest{
		{Name: "a", ID: "r0"}, {Name: "b", ID: "r1"}, {Name: "c", ID: "r2"},
		{Name: "d", ID: "new"},  // made since the listing: read on its own
		{Name: "e", ID: "gone"}, // not listed and absent
		{Name: "f", Desired: spec.Props{"name": spec.Unknown{Ref: "x.y"}}},
	}
	cases := map[string]struct {
		reqs  []reconcile.ObserveRequest
		calls map[string]int
	}{
		// "new" and "gone" are read on their own, each with its three
		// reads at once (both are recorded).
		"batch served by the index": {reqs, map[string]int{"GetRole": 2, "ListAttachedRolePolicies": 2, "ListRolePolicies": 2}},
		"batch of two":              {reqs[1:3], map[string]int{}},
		"lone role":                 {reqs[:1], map[string]int{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{getRole: getRole, listAttachedRolePolicies: attached("arn:aws:iam::aws:policy/b", "arn:aws:iam::aws:policy/a"), listRolePolicies: inline("inline")}
			idx := &fakeIndex{listed: map[string]bool{"r0": true, "r1": true, "r2": true}}
			got, err := NewWithAPI(f, WithIndex(idx)).ObserveBatch(context.Background(), tc.reqs)
			if err != nil {
				t.Fatal(err)
			}
			// Every observation is what Observe alone reports.
			plain := NewWithAPI(&fakeIAM{getRole: getRole, listAttachedRolePolicies: attached("arn:aws:iam::aws:policy/b", "arn:aws:iam::aws:policy/a"), listRolePolicies: inline("inline")})
			for i, r := range tc.reqs {
				want, err := plain.Observe(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got[i]); diff != "" {
					t.Errorf("%s (-Observe +ObserveBatch):\n%s", r.Name, diff)
				}
			}
			count := map[string]int{}
			for _, c := range f.calls {
				count[c]++
			}
			if diff := cmp.Diff(tc.calls, count); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if want := iamindex.MaxPages(len(tc.reqs)); idx.pages != want || want != 1 {
				t.Errorf("listing bound %d pages, want %d (1) for %d roles", idx.pages, want, len(tc.reqs))
			}
		})
	}
}

func TestObserveBatchWithoutIndex(t *testing.T) {
	f := &fakeIAM{getRole: func(in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
		return &iam.GetRoleOutput{Role: liveRole()}, nil
	}}
	var reqs []reconcile.ObserveRequest
	for i := range 5 {
		reqs = append(reqs, reconcile.ObserveRequest{ID: fmt.Sprint("r", i)})
	}
	obs, err := NewWithAPI(f).ObserveBatch(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 5 || len(f.calls) != 15 {
		t.Errorf("%d observations, calls %v; want 5 and a GetRole, ListAttachedRolePolicies and ListRolePolicies each", len(obs), f.calls)
	}
}
