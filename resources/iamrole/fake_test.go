package iamrole

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// fakeIAM records the calls made, in order, and answers with its function
// fields; a nil field answers an empty output. It also serves the shared
// role index and iam.role_policy, so that one record shows every IAM call
// of a plan.
type fakeIAM struct {
	mu    sync.Mutex // batch reads run concurrently
	calls []string

	getRole                  func(*iam.GetRoleInput) (*iam.GetRoleOutput, error)
	createRole               func(*iam.CreateRoleInput) (*iam.CreateRoleOutput, error)
	deleteRole               func(*iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error)
	listRoles                func(*iam.ListRolesInput) (*iam.ListRolesOutput, error)
	listAttachedRolePolicies func(*iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error)
	listRoleTags             func(*iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error)
	listRolePolicies         func(*iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error)
	detachRolePolicy         func(*iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error)
	deleteRolePolicy         func(*iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error)
	updateRole               func(*iam.UpdateRoleInput) (*iam.UpdateRoleOutput, error)
	tagRole                  func(*iam.TagRoleInput) (*iam.TagRoleOutput, error)
	untagRole                func(*iam.UntagRoleInput) (*iam.UntagRoleOutput, error)

	getAccountAuthorizationDetails func(*iam.GetAccountAuthorizationDetailsInput) (*iam.GetAccountAuthorizationDetailsOutput, error)
	getAccountSummary              func(*iam.GetAccountSummaryInput) (*iam.GetAccountSummaryOutput, error)
	getRolePolicy                  func(*iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error)
}

var (
	_ API           = (*fakeIAM)(nil)
	_ iamindex.API  = (*fakeIAM)(nil)
	_ iampolicy.API = (*fakeIAM)(nil)
)

func call[I, O any](f *fakeIAM, name string, fn func(I) (*O, error), in I) (*O, error) {
	f.mu.Lock()
	f.calls = append(f.calls, name)
	f.mu.Unlock()
	if fn == nil {
		return new(O), nil
	}
	return fn(in)
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return call(f, "GetRole", f.getRole, in)
}

func (f *fakeIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	return call(f, "CreateRole", f.createRole, in)
}

func (f *fakeIAM) UpdateRole(_ context.Context, in *iam.UpdateRoleInput, _ ...func(*iam.Options)) (*iam.UpdateRoleOutput, error) {
	return call(f, "UpdateRole", f.updateRole, in)
}

func (f *fakeIAM) UpdateAssumeRolePolicy(_ context.Context, in *iam.UpdateAssumeRolePolicyInput, _ ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error) {
	return call[*iam.UpdateAssumeRolePolicyInput, iam.UpdateAssumeRolePolicyOutput](f, "UpdateAssumeRolePolicy", nil, in)
}

func (f *fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return call(f, "DeleteRole", f.deleteRole, in)
}

func (f *fakeIAM) ListRoles(_ context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return call(f, "ListRoles", f.listRoles, in)
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return call(f, "ListAttachedRolePolicies", f.listAttachedRolePolicies, in)
}

func (f *fakeIAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	return call[*iam.AttachRolePolicyInput, iam.AttachRolePolicyOutput](f, "AttachRolePolicy "+*in.PolicyArn, nil, in)
}

func (f *fakeIAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	return call(f, "DetachRolePolicy "+*in.PolicyArn, f.detachRolePolicy, in)
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return call(f, "ListRolePolicies", f.listRolePolicies, in)
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return call(f, "DeleteRolePolicy "+*in.PolicyName, f.deleteRolePolicy, in)
}

func (f *fakeIAM) TagRole(_ context.Context, in *iam.TagRoleInput, _ ...func(*iam.Options)) (*iam.TagRoleOutput, error) {
	return call(f, "TagRole", f.tagRole, in)
}

func (f *fakeIAM) UntagRole(_ context.Context, in *iam.UntagRoleInput, _ ...func(*iam.Options)) (*iam.UntagRoleOutput, error) {
	return call(f, "UntagRole", f.untagRole, in)
}

func (f *fakeIAM) GetAccountSummary(_ context.Context, in *iam.GetAccountSummaryInput, _ ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	return call(f, "GetAccountSummary", f.getAccountSummary, in)
}

func (f *fakeIAM) GetAccountAuthorizationDetails(_ context.Context, in *iam.GetAccountAuthorizationDetailsInput, _ ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	return call(f, "GetAccountAuthorizationDetails", f.getAccountAuthorizationDetails, in)
}

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return call(f, "GetRolePolicy", f.getRolePolicy, in)
}

func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return call[*iam.PutRolePolicyInput, iam.PutRolePolicyOutput](f, "PutRolePolicy", nil, in)
}

func (f *fakeIAM) ListRoleTags(_ context.Context, in *iam.ListRoleTagsInput, _ ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error) {
	return call(f, "ListRoleTags", f.listRoleTags, in)
}
