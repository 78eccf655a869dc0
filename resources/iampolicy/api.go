package iampolicy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// API is the part of the IAM client this kind calls.
type API interface {
	GetRolePolicy(ctx context.Context, params *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, params *iam.PutRolePolicyInput, optFns ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, params *iam.DeleteRolePolicyInput, optFns ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
}

var _ API = (*iam.Client)(nil)

// Index answers from the account-wide role listing shared by a plan's IAM
// kinds (resources/internal/iamindex), made once per plan and forgotten on Reset.
type Index interface {
	// InlinePolicy returns the document of role's inline policy, ok false
	// when the listing did not see the role with that policy. maxPages
	// bounds the listing when this call starts it.
	InlinePolicy(ctx context.Context, role, policy string, maxPages int) (doc string, ok bool)
	// Reset forgets the listing; the next call lists again.
	Reset()
}
