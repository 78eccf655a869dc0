package lambdaalias

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// API is the part of the Lambda client this kind calls.
type API interface {
	CreateAlias(ctx context.Context, in *lambda.CreateAliasInput, optFns ...func(*lambda.Options)) (*lambda.CreateAliasOutput, error)
	GetAlias(ctx context.Context, in *lambda.GetAliasInput, optFns ...func(*lambda.Options)) (*lambda.GetAliasOutput, error)
	UpdateAlias(ctx context.Context, in *lambda.UpdateAliasInput, optFns ...func(*lambda.Options)) (*lambda.UpdateAliasOutput, error)
	DeleteAlias(ctx context.Context, in *lambda.DeleteAliasInput, optFns ...func(*lambda.Options)) (*lambda.DeleteAliasOutput, error)
	GetPolicy(ctx context.Context, in *lambda.GetPolicyInput, optFns ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	RemovePermission(ctx context.Context, in *lambda.RemovePermissionInput, optFns ...func(*lambda.Options)) (*lambda.RemovePermissionOutput, error)
}

var _ API = (*lambda.Client)(nil)
