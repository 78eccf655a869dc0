package loggroup

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// API is the part of the CloudWatch Logs client this kind calls.
type API interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
	PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	DeleteRetentionPolicy(ctx context.Context, in *cloudwatchlogs.DeleteRetentionPolicyInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error)
	AssociateKmsKey(ctx context.Context, in *cloudwatchlogs.AssociateKmsKeyInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.AssociateKmsKeyOutput, error)
	DisassociateKmsKey(ctx context.Context, in *cloudwatchlogs.DisassociateKmsKeyInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DisassociateKmsKeyOutput, error)
	TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *cloudwatchlogs.UntagResourceInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.UntagResourceOutput, error)
	DescribeSubscriptionFilters(ctx context.Context, in *cloudwatchlogs.DescribeSubscriptionFiltersInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeSubscriptionFiltersOutput, error)
	DeleteSubscriptionFilter(ctx context.Context, in *cloudwatchlogs.DeleteSubscriptionFilterInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteSubscriptionFilterOutput, error)
	DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, opts ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error)
}

var _ API = (*cloudwatchlogs.Client)(nil)

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
