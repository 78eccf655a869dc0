package iamrole

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// API is the part of the IAM client this kind calls.
type API interface {
	GetRole(ctx context.Context, params *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	CreateRole(ctx context.Context, params *iam.CreateRoleInput, optFns ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	UpdateRole(ctx context.Context, params *iam.UpdateRoleInput, optFns ...func(*iam.Options)) (*iam.UpdateRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, params *iam.UpdateAssumeRolePolicyInput, optFns ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	DeleteRole(ctx context.Context, params *iam.DeleteRoleInput, optFns ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	ListRoles(ctx context.Context, params *iam.ListRolesInput, optFns ...func(*iam.Options)) (*iam.ListRolesOutput, error)

	ListAttachedRolePolicies(ctx context.Context, params *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	AttachRolePolicy(ctx context.Context, params *iam.AttachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DetachRolePolicy(ctx context.Context, params *iam.DetachRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	ListRoleTags(ctx context.Context, params *iam.ListRoleTagsInput, optFns ...func(*iam.Options)) (*iam.ListRoleTagsOutput, error)
	ListRolePolicies(ctx context.Context, params *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	DeleteRolePolicy(ctx context.Context, params *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)

	TagRole(ctx context.Context, params *iam.TagRoleInput, optFns ...func(*iam.Options)) (*iam.TagRoleOutput, error)
	UntagRole(ctx context.Context, params *iam.UntagRoleInput, optFns ...func(*iam.Options)) (*iam.UntagRoleOutput, error)
}

var _ API = (*iam.Client)(nil)

// Index answers from account-wide role listings shared by a plan's IAM
// kinds (resources/internal/iamindex), made once per plan and forgotten on Reset.
type Index interface {
	// Role returns the role with its tags and the sorted ARNs of its
	// attached managed policies, ok false when the listings did not see
	// it. maxPages bounds the listings when this call starts them.
	Role(ctx context.Context, name string, maxPages int) (role types.Role, attached []string, ok bool)
	// InlinePolicyNames returns the names of role's inline policies, ok
	// false when the listing did not see the role.
	InlinePolicyNames(ctx context.Context, role string, maxPages int) (names []string, ok bool)
	// RoleTags returns the tags of every role in the account by name,
	// listing all pages if no call has listed yet; ok false when the
	// listing was cut short or failed.
	RoleTags(ctx context.Context) (tags map[string]map[string]string, ok bool)
	// RoleNames returns the name of every role in the account, listing
	// all pages if no call has listed yet; ok false when the listing was
	// cut short or failed.
	RoleNames(ctx context.Context) (names []string, ok bool)
	// Reset forgets the listings; the next call lists again.
	Reset()
}
