package ecrrepo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// API is the part of the ECR client this kind calls.
type API interface {
	DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, opts ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	GetLifecyclePolicy(ctx context.Context, in *ecr.GetLifecyclePolicyInput, opts ...func(*ecr.Options)) (*ecr.GetLifecyclePolicyOutput, error)
	ListTagsForResource(ctx context.Context, in *ecr.ListTagsForResourceInput, opts ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
	CreateRepository(ctx context.Context, in *ecr.CreateRepositoryInput, opts ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error)
	PutImageTagMutability(ctx context.Context, in *ecr.PutImageTagMutabilityInput, opts ...func(*ecr.Options)) (*ecr.PutImageTagMutabilityOutput, error)
	PutImageScanningConfiguration(ctx context.Context, in *ecr.PutImageScanningConfigurationInput, opts ...func(*ecr.Options)) (*ecr.PutImageScanningConfigurationOutput, error)
	PutLifecyclePolicy(ctx context.Context, in *ecr.PutLifecyclePolicyInput, opts ...func(*ecr.Options)) (*ecr.PutLifecyclePolicyOutput, error)
	DeleteLifecyclePolicy(ctx context.Context, in *ecr.DeleteLifecyclePolicyInput, opts ...func(*ecr.Options)) (*ecr.DeleteLifecyclePolicyOutput, error)
	GetRepositoryPolicy(ctx context.Context, in *ecr.GetRepositoryPolicyInput, opts ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error)
	SetRepositoryPolicy(ctx context.Context, in *ecr.SetRepositoryPolicyInput, opts ...func(*ecr.Options)) (*ecr.SetRepositoryPolicyOutput, error)
	DeleteRepositoryPolicy(ctx context.Context, in *ecr.DeleteRepositoryPolicyInput, opts ...func(*ecr.Options)) (*ecr.DeleteRepositoryPolicyOutput, error)
	TagResource(ctx context.Context, in *ecr.TagResourceInput, opts ...func(*ecr.Options)) (*ecr.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *ecr.UntagResourceInput, opts ...func(*ecr.Options)) (*ecr.UntagResourceOutput, error)
	DeleteRepository(ctx context.Context, in *ecr.DeleteRepositoryInput, opts ...func(*ecr.Options)) (*ecr.DeleteRepositoryOutput, error)
}

var _ API = (*ecr.Client)(nil)

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
