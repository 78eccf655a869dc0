package iamrole

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// The stack's roles, each with an inline policy "read", and a role of
// someone else's in the same account.
var (
	stackRoles   = []string{"trip-a", "trip-b", "trip-c"}
	accountRoles = []string{"trip-a", "trip-b", "trip-c", "other"}
)

const readPolicy = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"*"}}`

// accountIAM serves accountRoles: ListRoles perPage a page (its first call
// fails when failFirst), GetAccountAuthorizationDetails in one page, and
// the per-resource reads.
func accountIAM(perPage int, failFirst bool) *fakeIAM {
	role := func(name string) *types.Role {
		r := liveRole()
		r.RoleName, r.Arn = aws.String(name), aws.String("arn:aws:iam::123456789012:role/"+name)
		return r
	}
	fail := failFirst // ListRoles calls never overlap
	return &fakeIAM{
		listRoles: func(in *iam.ListRolesInput) (*iam.ListRolesOutput, error) {
			if fail {
				fail = false
				return nil, errors.New("Throttling")
			}
			var start int
			fmt.Sscan(aws.ToString(in.Marker), &start)
			out := &iam.ListRolesOutput{}
			for _, n := range accountRoles[start:min(start+perPage, len(accountRoles))] {
				out.Roles = append(out.Roles, *role(n))
			}
			if end := start + perPage; end < len(accountRoles) {
				out.IsTruncated, out.Marker = true, aws.String(fmt.Sprint(end))
			}
			return out, nil
		},
		getAccountAuthorizationDetails: func(*iam.GetAccountAuthorizationDetailsInput) (*iam.GetAccountAuthorizationDetailsOutput, error) {
			out := &iam.GetAccountAuthorizationDetailsOutput{}
			for _, n := range accountRoles {
				out.RoleDetailList = append(out.RoleDetailList, types.RoleDetail{
					RoleName:                aws.String(n),
					Tags:                    role(n).Tags,
					AttachedManagedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/a")}},
					RolePolicyList:          []types.PolicyDetail{{PolicyName: aws.String("read"), PolicyDocument: aws.String(url.PathEscape(readPolicy))}},
				})
			}
			return out, nil
		},
		getRole: func(in *iam.GetRoleInput) (*iam.GetRoleOutput, error) {
			return &iam.GetRoleOutput{Role: role(aws.ToString(in.RoleName))}, nil
		},
		listAttachedRolePolicies: attached("arn:aws:iam::aws:policy/a"),
		getRolePolicy: func(in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
			return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.PathEscape(readPolicy))}, nil
		},
	}
}

// plan reads what a plan of the stack's roles and policies reads, as the
// engine would: BeginPlan, a batch of roles, a batch of their policies,
// then List for unmanaged roles, whose answer it returns.
func plan(t *testing.T, f *fakeIAM, x *iamindex.Index) []string {
	t.Helper()
	ctx := context.Background()
	roles, policies := NewWithAPI(f, WithIndex(x)), iampolicy.NewWithAPI(f, iampolicy.WithIndex(x))
	roles.BeginPlan()
	policies.BeginPlan()
	var roleReqs, policyReqs []reconcile.ObserveRequest
	for _, n := range stackRoles {
		roleReqs = append(roleReqs, reconcile.ObserveRequest{Name: n, ID: n})
		policyReqs = append(policyReqs, reconcile.ObserveRequest{Name: n, ID: iampolicy.ID(n, "read")})
	}
	observe := func(k reconcile.BatchObserver, reqs []reconcile.ObserveRequest) {
		obs, err := k.ObserveBatch(ctx, reqs)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range obs {
			if !o.Exists {
				t.Errorf("%s absent", reqs[i].ID)
			}
		}
	}
	observe(roles, roleReqs)
	observe(policies, policyReqs)
	names, err := roles.List(ctx, "trip-")
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func count(calls []string) map[string]int {
	n := map[string]int{}
	for _, c := range calls {
		n[c]++
	}
	return n
}

func TestPlanReadsIAMThroughTheIndex(t *testing.T) {
	cases := map[string]struct {
		perPage   int
		failFirst bool
		summary   int32 // roles the account summary counts, 0: it cannot be read
		calls     map[string]int
	}{
		"two listings for every role, policy and the lister": {1000, false, 0, map[string]int{
			"GetAccountSummary": 1, "ListRoles": 1, "GetAccountAuthorizationDetails": 1}},
		// The summary counts more roles than MaxPages(3) pages hold: no
		// bounded listing at all; List lists every role itself.
		"the summary says the account is busy": {1, false, 5000, map[string]int{
			"GetAccountSummary": 1, "ListRoles": 4, "GetRole": 3, "ListAttachedRolePolicies": 3, "ListRolePolicies": 3, "GetRolePolicy": 3}},
		// MaxPages(3) is 1 page: it does not end the role listing, so the
		// account holds more roles than the stack's budget and
		// GetAccountAuthorizationDetails, which reads the whole account,
		// is never called: each role and policy is read on its own, and
		// List, which must see every role, lists all four pages itself.
		"role listing cut short by the batch's page bound": {1, false, 0, map[string]int{
			"GetAccountSummary": 1, "ListRoles": 1 + 4, "GetRole": 3, "ListAttachedRolePolicies": 3, "ListRolePolicies": 3, "GetRolePolicy": 3}},
		"role listing failed": {1000, true, 0, map[string]int{
			"GetAccountSummary": 1, "ListRoles": 1 + 1, "GetRole": 3, "ListAttachedRolePolicies": 3, "ListRolePolicies": 3, "GetRolePolicy": 3}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := accountIAM(tc.perPage, tc.failFirst)
			if tc.summary > 0 {
				f.getAccountSummary = func(*iam.GetAccountSummaryInput) (*iam.GetAccountSummaryOutput, error) {
					return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"Roles": tc.summary}}, nil
				}
			}
			if diff := cmp.Diff(stackRoles, plan(t, f, iamindex.NewWithAPI(f))); diff != "" {
				t.Errorf("List() (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.calls, count(f.calls)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBeginPlanListsAgain(t *testing.T) {
	f := accountIAM(1000, false)
	x := iamindex.NewWithAPI(f)
	plan(t, f, x)
	plan(t, f, x)
	want := map[string]int{"GetAccountSummary": 2, "ListRoles": 2, "GetAccountAuthorizationDetails": 2}
	if diff := cmp.Diff(want, count(f.calls)); diff != "" {
		t.Errorf("calls of two plans (-want +got):\n%s", diff)
	}
}

// A lone role is observed on its own, so List is first to need the role
// listing: the index makes it, every page, and keeps it for the plan.
func TestListBeforeAnyBatchListsThroughTheIndex(t *testing.T) {
	f := accountIAM(1, false)
	k := NewWithAPI(f, WithIndex(iamindex.NewWithAPI(f)))
	k.BeginPlan()
	for range 2 {
		got, err := k.List(context.Background(), "trip-")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stackRoles, got); diff != "" {
			t.Errorf("List() (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff(map[string]int{"ListRoles": 4}, count(f.calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
