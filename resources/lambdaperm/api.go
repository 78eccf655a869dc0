package lambdaperm

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// API is the part of the Lambda client this kind calls.
type API interface {
	AddPermission(ctx context.Context, in *lambda.AddPermissionInput, optFns ...func(*lambda.Options)) (*lambda.AddPermissionOutput, error)
	GetPolicy(ctx context.Context, in *lambda.GetPolicyInput, optFns ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	RemovePermission(ctx context.Context, in *lambda.RemovePermissionInput, optFns ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error)
}

var _ API = (*lambda.Client)(nil)
