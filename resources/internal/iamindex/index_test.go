package iamindex

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeIAM serves roles r0 .. r(n-1), perPage a page, and counts the calls;
// failAt makes that page (1-based) of both listings fail. The account
// summary counts the roles; noSummary makes it fail (access denied).
type fakeIAM struct {
	n, perPage, failAt int
	noSummary          bool

	mu    sync.Mutex
	calls map[string]int
}

var _ API = (*fakeIAM)(nil)

func (f *fakeIAM) page(op string, marker *string) (start, end int, next *string, err error) {
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
	fmt.Sscan(aws.ToString(marker), &start)
	if f.failAt > 0 && start/f.perPage+1 == f.failAt {
		return 0, 0, nil, errors.New("Throttling")
	}
	end = min(start+f.perPage, f.n)
	if end < f.n {
		next = aws.String(fmt.Sprint(end))
	}
	return start, end, next, nil
}

func (f *fakeIAM) ListRoles(_ context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	start, end, next, err := f.page("ListRoles", in.Marker)
	if err != nil {
		return nil, err
	}
	out := &iam.ListRolesOutput{Marker: next, IsTruncated: next != nil}
	for i := start; i < end; i++ {
		out.Roles = append(out.Roles, types.Role{RoleName: aws.String(fmt.Sprintf("r%d", i)), Description: aws.String("d"), MaxSessionDuration: aws.Int32(3600)})
	}
	return out, nil
}

func (f *fakeIAM) GetAccountAuthorizationDetails(_ context.Context, in *iam.GetAccountAuthorizationDetailsInput, _ ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	if !cmp.Equal(in.Filter, []types.EntityType{types.EntityTypeRole}) {
		return nil, fmt.Errorf("filter %v, want Role", in.Filter)
	}
	start, end, next, err := f.page("GetAccountAuthorizationDetails", in.Marker)
	if err != nil {
		return nil, err
	}
	out := &iam.GetAccountAuthorizationDetailsOutput{Marker: next, IsTruncated: next != nil}
	for i := start; i < end; i++ {
		out.RoleDetailList = append(out.RoleDetailList, types.RoleDetail{
			RoleName: aws.String(fmt.Sprintf("r%d", i)),
			Tags:     []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
			AttachedManagedPolicies: []types.AttachedPolicy{
				{PolicyArn: aws.String("arn:aws:iam::aws:policy/b")}, {PolicyArn: aws.String("arn:aws:iam::aws:policy/a")}},
			RolePolicyList: []types.PolicyDetail{{PolicyName: aws.String("inline"), PolicyDocument: aws.String("%7B%7D")}},
		})
	}
	return out, nil
}

func (f *fakeIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	f.mu.Lock()
	f.calls["GetAccountSummary"]++
	f.mu.Unlock()
	if f.noSummary {
		return nil, errors.New("AccessDenied")
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"Roles": int32(f.n), "RolesQuota": 1000}}, nil
}

func newFake(n, perPage, failAt int) *fakeIAM {
	return &fakeIAM{n: n, perPage: perPage, failAt: failAt, calls: map[string]int{}}
}

func TestRoleCombinesBothListings(t *testing.T) {
	f := newFake(3, 1000, 0)
	x := NewWithAPI(f)
	role, attached, ok := x.Role(context.Background(), "r1", MaxPages(4))
	if !ok {
		t.Fatal("r1 not in the index")
	}
	want := types.Role{RoleName: aws.String("r1"), Description: aws.String("d"), MaxSessionDuration: aws.Int32(3600),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}
	if diff := cmp.Diff(want, role, cmpopts.IgnoreUnexported(types.Role{}, types.Tag{})); diff != "" {
		t.Errorf("role (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"arn:aws:iam::aws:policy/a", "arn:aws:iam::aws:policy/b"}, attached); diff != "" {
		t.Errorf("attached, sorted (-want +got):\n%s", diff)
	}
	if _, _, ok := x.Role(context.Background(), "r9", MaxPages(4)); ok {
		t.Error("a role not listed is in the index")
	}
	if doc, ok := x.InlinePolicy(context.Background(), "r2", "inline", MaxPages(4)); !ok || doc != "%7B%7D" {
		t.Errorf("InlinePolicy = %q, %v", doc, ok)
	}
	if _, ok := x.InlinePolicy(context.Background(), "r2", "other", MaxPages(4)); ok {
		t.Error("a policy not listed is in the index")
	}
	if diff := cmp.Diff(map[string]int{"GetAccountSummary": 1, "ListRoles": 1, "GetAccountAuthorizationDetails": 1}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestStrategyFollowsTheAccountsSize: the first pages of ListRoles, within
// the batch's bound, decide. An account they list to its end is small
// enough for GetAccountAuthorizationDetails (which reads the whole
// account); one they do not is busy: that listing is never made, the
// index holds nothing, and the kinds read each role on their own. The
// pages read never exceed the bound, whatever the account holds.
func TestStrategyFollowsTheAccountsSize(t *testing.T) {
	cases := map[string]struct {
		roles, perPage, bound int
		noSummary             bool
		inIndex               bool
		calls                 map[string]int
	}{
		"small account: both listings": {roles: 4, perPage: 2, bound: 2, inIndex: true,
			calls: map[string]int{"GetAccountSummary": 1, "ListRoles": 2, "GetAccountAuthorizationDetails": 2}},
		// Fewer roles than the bound, in pages smaller than asked: the
		// pages decide.
		"busy account: the bound of ListRoles only": {roles: 10, perPage: 2, bound: 2,
			calls: map[string]int{"GetAccountSummary": 1, "ListRoles": 2}},
		"much busier: the summary alone": {roles: 5000, perPage: 2, bound: 2,
			calls: map[string]int{"GetAccountSummary": 1}},
		"much busier, no summary: the same pages": {roles: 5000, perPage: 2, bound: 2, noSummary: true,
			calls: map[string]int{"GetAccountSummary": 1, "ListRoles": 2}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(tc.roles, tc.perPage, 0)
			f.noSummary = tc.noSummary
			x := NewWithAPI(f)
			_, _, ok := x.Role(context.Background(), "r1", tc.bound)
			_, okPolicy := x.InlinePolicy(context.Background(), "r1", "inline", tc.bound)
			if ok != tc.inIndex || okPolicy != tc.inIndex {
				t.Errorf("r1 in the index: role %v, policy %v; want %v", ok, okPolicy, tc.inIndex)
			}
			if _, ok := x.RoleTags(context.Background()); ok != tc.inIndex {
				t.Errorf("RoleTags ok = %v, want %v (it never lists on its own)", ok, tc.inIndex)
			}
			if diff := cmp.Diff(tc.calls, f.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFailedPageEndsTheListing(t *testing.T) {
	f := newFake(10, 2, 2)
	x := NewWithAPI(f)
	if _, _, ok := x.Role(context.Background(), "r1", 10); ok {
		t.Error("r1 in the index after the role listing failed")
	}
	if _, ok := x.InlinePolicy(context.Background(), "r5", "inline", 10); ok {
		t.Error("r5 (after the failed page) in the index")
	}
	if diff := cmp.Diff(map[string]int{"GetAccountSummary": 1, "ListRoles": 2}, f.calls); diff != "" {
		t.Errorf("calls (-want +got), a failed listing is not retried:\n%s", diff)
	}
}

func TestListsOnceUnderConcurrency(t *testing.T) {
	f := newFake(50, 1000, 0)
	x := NewWithAPI(f)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if i%2 == 0 {
				if _, _, ok := x.Role(context.Background(), fmt.Sprintf("r%d", i), 2); !ok {
					t.Errorf("r%d not in the index", i)
				}
			} else if _, ok := x.InlinePolicy(context.Background(), fmt.Sprintf("r%d", i), "inline", 2); !ok {
				t.Errorf("r%d's policy not in the index", i)
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(map[string]int{"GetAccountSummary": 1, "ListRoles": 1, "GetAccountAuthorizationDetails": 1}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestRoleNamesOnlyFromACompleteListing(t *testing.T) {
	cases := map[string]struct {
		fake     *fakeIAM
		batch    int // maxPages of a batch listing first, 0 for none
		want     []string
		ok       bool
		listings int // ListRoles calls
	}{
		"listed in full by the batch":     {newFake(3, 2, 0), 2, []string{"r0", "r1", "r2"}, true, 2},
		"cut short by the batch's bound":  {newFake(5, 2, 0), 2, nil, false, 2},
		"a failed page":                   {newFake(5, 2, 2), 10, nil, false, 2},
		"not listed yet: every page":      {newFake(5, 2, 0), 0, []string{"r0", "r1", "r2", "r3", "r4"}, true, 3},
		"not listed yet and a page fails": {newFake(5, 2, 3), 0, nil, false, 3},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			x := NewWithAPI(tc.fake)
			if tc.batch > 0 {
				x.Role(context.Background(), "r0", tc.batch)
			}
			got, ok := x.RoleNames(context.Background())
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
				t.Errorf("RoleNames() ok %v, want %v; names (-want +got):\n%s", ok, tc.ok, diff)
			}
			if _, ok := x.RoleNames(context.Background()); ok != tc.ok {
				t.Errorf("second RoleNames() ok %v, want %v", ok, tc.ok)
			}
			if n := tc.fake.calls["ListRoles"]; n != tc.listings {
				t.Errorf("%d ListRoles calls, want %d (listed once)", n, tc.listings)
			}
		})
	}
}

func TestResetListsAgain(t *testing.T) {
	f := newFake(3, 1000, 0)
	x := NewWithAPI(f)
	x.Role(context.Background(), "r0", 2)
	x.InlinePolicy(context.Background(), "r0", "inline", 2)
	x.RoleNames(context.Background())
	x.Reset()
	x.Reset() // every IAM kind resets the shared index when a plan begins
	if _, _, ok := x.Role(context.Background(), "r1", 2); !ok {
		t.Error("r1 not in the index after Reset")
	}
	if _, ok := x.InlinePolicy(context.Background(), "r1", "inline", 2); !ok {
		t.Error("r1's policy not in the index after Reset")
	}
	if diff := cmp.Diff(map[string]int{"GetAccountSummary": 2, "ListRoles": 2, "GetAccountAuthorizationDetails": 2}, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestNilIndexHasNothing(t *testing.T) {
	var x *Index
	if _, _, ok := x.Role(context.Background(), "r", 1); ok {
		t.Error("nil index has a role")
	}
	if _, ok := x.InlinePolicy(context.Background(), "r", "p", 1); ok {
		t.Error("nil index has a policy")
	}
	if _, ok := x.RoleNames(context.Background()); ok {
		t.Error("nil index has role names")
	}
	x.Reset()
}

func TestMaxPages(t *testing.T) {
	for n, want := range map[int]int{4: 1, 9: 1, 10: 2, 100: 11, 250: 26} {
		if got := MaxPages(n); got != want {
			t.Errorf("MaxPages(%d) = %d, want %d", n, got, want)
		}
	}
}
