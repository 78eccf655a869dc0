package ssmparam

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// API is the part of the SSM client this kind calls.
type API interface {
	GetParameters(ctx context.Context, in *ssm.GetParametersInput, opts ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	DescribeParameters(ctx context.Context, in *ssm.DescribeParametersInput, opts ...func(*ssm.Options)) (*ssm.DescribeParametersOutput, error)
	ListTagsForResource(ctx context.Context, in *ssm.ListTagsForResourceInput, opts ...func(*ssm.Options)) (*ssm.ListTagsForResourceOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, opts ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	AddTagsToResource(ctx context.Context, in *ssm.AddTagsToResourceInput, opts ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error)
	RemoveTagsFromResource(ctx context.Context, in *ssm.RemoveTagsFromResourceInput, opts ...func(*ssm.Options)) (*ssm.RemoveTagsFromResourceOutput, error)
	DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput, opts ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error)
}

var _ API = (*ssm.Client)(nil)

// TagIndex confirms tags from one listing shared by the run's kinds
// (resources/internal/tagindex): it returns arn's listed tags only when they equal
// the tags of every desired props given, and false otherwise.
type TagIndex interface {
	Confirm(ctx context.Context, arn string, desired ...spec.Props) (map[string]string, bool)
	// Reset drops the index's listings; BeginPlan calls it.
	Reset()
	// Owner names the stack arn's ownership tag names, when the index
	// knows (ListStacks reads the tags itself otherwise).
	Owner(ctx context.Context, arn string) (stack string, ok bool)
}
