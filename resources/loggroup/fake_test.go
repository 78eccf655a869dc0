package loggroup

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// fakeLogs is an API whose methods are function fields; calls records the
// method names in order.
type fakeLogs struct {
	mu                    sync.Mutex // batch reads run concurrently
	calls                 []string
	describeLogGroups     func(*cloudwatchlogs.DescribeLogGroupsInput) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	listTagsForResource   func(*cloudwatchlogs.ListTagsForResourceInput) (*cloudwatchlogs.ListTagsForResourceOutput, error)
	createLogGroup        func(*cloudwatchlogs.CreateLogGroupInput) (*cloudwatchlogs.CreateLogGroupOutput, error)
	putRetentionPolicy    func(*cloudwatchlogs.PutRetentionPolicyInput) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	deleteRetentionPolicy func(*cloudwatchlogs.DeleteRetentionPolicyInput) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error)
	associateKmsKey       func(*cloudwatchlogs.AssociateKmsKeyInput) (*cloudwatchlogs.AssociateKmsKeyOutput, error)
	disassociateKmsKey    func(*cloudwatchlogs.DisassociateKmsKeyInput) (*cloudwatchlogs.DisassociateKmsKeyOutput, error)
	tagResource           func(*cloudwatchlogs.TagResourceInput) (*cloudwatchlogs.TagResourceOutput, error)
	untagResource         func(*cloudwatchlogs.UntagResourceInput) (*cloudwatchlogs.UntagResourceOutput, error)
	deleteLogGroup        func(*cloudwatchlogs.DeleteLogGroupInput) (*cloudwatchlogs.DeleteLogGroupOutput, error)
	// filters holds subscription filter names by group, kept by the fake.
	filters map[string][]string
}

func (f *fakeLogs) DescribeSubscriptionFilters(_ context.Context, in *cloudwatchlogs.DescribeSubscriptionFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeSubscriptionFiltersOutput, error) {
	f.record("DescribeSubscriptionFilters")
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &cloudwatchlogs.DescribeSubscriptionFiltersOutput{}
	for _, n := range f.filters[aws.ToString(in.LogGroupName)] {
		out.SubscriptionFilters = append(out.SubscriptionFilters, types.SubscriptionFilter{FilterName: aws.String(n)})
	}
	return out, nil
}

func (f *fakeLogs) DeleteSubscriptionFilter(_ context.Context, in *cloudwatchlogs.DeleteSubscriptionFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteSubscriptionFilterOutput, error) {
	f.record("DeleteSubscriptionFilter " + aws.ToString(in.FilterName))
	f.mu.Lock()
	defer f.mu.Unlock()
	g := aws.ToString(in.LogGroupName)
	f.filters[g] = slices.DeleteFunc(f.filters[g], func(n string) bool { return n == aws.ToString(in.FilterName) })
	return &cloudwatchlogs.DeleteSubscriptionFilterOutput{}, nil
}

var _ API = (*fakeLogs)(nil)

func (f *fakeLogs) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	f.record("DescribeLogGroups")
	return f.describeLogGroups(in)
}
func (f *fakeLogs) ListTagsForResource(_ context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	f.record("ListTagsForResource")
	return f.listTagsForResource(in)
}
func (f *fakeLogs) CreateLogGroup(_ context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	f.record("CreateLogGroup")
	return f.createLogGroup(in)
}
func (f *fakeLogs) PutRetentionPolicy(_ context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	f.record("PutRetentionPolicy")
	return f.putRetentionPolicy(in)
}
func (f *fakeLogs) DeleteRetentionPolicy(_ context.Context, in *cloudwatchlogs.DeleteRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error) {
	f.record("DeleteRetentionPolicy")
	return f.deleteRetentionPolicy(in)
}
func (f *fakeLogs) AssociateKmsKey(_ context.Context, in *cloudwatchlogs.AssociateKmsKeyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.AssociateKmsKeyOutput, error) {
	f.record("AssociateKmsKey")
	return f.associateKmsKey(in)
}
func (f *fakeLogs) DisassociateKmsKey(_ context.Context, in *cloudwatchlogs.DisassociateKmsKeyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DisassociateKmsKeyOutput, error) {
	f.record("DisassociateKmsKey")
	return f.disassociateKmsKey(in)
}
func (f *fakeLogs) TagResource(_ context.Context, in *cloudwatchlogs.TagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error) {
	f.record("TagResource")
	return f.tagResource(in)
}
func (f *fakeLogs) UntagResource(_ context.Context, in *cloudwatchlogs.UntagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.UntagResourceOutput, error) {
	f.record("UntagResource")
	return f.untagResource(in)
}
func (f *fakeLogs) DeleteLogGroup(_ context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	f.record("DeleteLogGroup")
	return f.deleteLogGroup(in)
}

type memGroup struct {
	retention *int32
	kms       string
	tags      map[string]string
}

const testARNPrefix = "arn:aws:logs:us-east-2:123456789012:log-group:"

// newMemLogs returns a fake keeping groups in memory, paging
// DescribeLogGroups two groups at a time and giving the legacy ":*" ARN
// only, as older responses do.
func newMemLogs(groups map[string]*memGroup) *fakeLogs {
	byARN := func(arn string) (*memGroup, bool) {
		g, ok := groups[strings.TrimPrefix(arn, testARNPrefix)]
		return g, ok && !strings.HasSuffix(arn, ":*")
	}
	return &fakeLogs{
		describeLogGroups: func(in *cloudwatchlogs.DescribeLogGroupsInput) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
			var names []string
			for n := range groups {
				if strings.HasPrefix(n, aws.ToString(in.LogGroupNamePrefix)) {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			start := 0
			if in.NextToken != nil {
				for start < len(names) && names[start] <= *in.NextToken {
					start++
				}
			}
			out := &cloudwatchlogs.DescribeLogGroupsOutput{}
			for i := start; i < len(names) && i < start+2; i++ {
				g := groups[names[i]]
				out.LogGroups = append(out.LogGroups, types.LogGroup{
					LogGroupName: aws.String(names[i]), Arn: aws.String(testARNPrefix + names[i] + ":*"),
					RetentionInDays: g.retention, KmsKeyId: aws.String(g.kms),
				})
				if i == start+1 && i+1 < len(names) {
					out.NextToken = aws.String(names[i])
				}
			}
			return out, nil
		},
		listTagsForResource: func(in *cloudwatchlogs.ListTagsForResourceInput) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
			g, ok := byARN(aws.ToString(in.ResourceArn))
			if !ok {
				return nil, &types.ResourceNotFoundException{}
			}
			tags := map[string]string{}
			for k, v := range g.tags {
				tags[k] = v
			}
			return &cloudwatchlogs.ListTagsForResourceOutput{Tags: tags}, nil
		},
		createLogGroup: func(in *cloudwatchlogs.CreateLogGroupInput) (*cloudwatchlogs.CreateLogGroupOutput, error) {
			n := aws.ToString(in.LogGroupName)
			if _, ok := groups[n]; ok {
				return nil, &types.ResourceAlreadyExistsException{}
			}
			g := &memGroup{kms: aws.ToString(in.KmsKeyId), tags: map[string]string{}}
			for k, v := range in.Tags {
				g.tags[k] = v
			}
			groups[n] = g
			return &cloudwatchlogs.CreateLogGroupOutput{}, nil
		},
		putRetentionPolicy: func(in *cloudwatchlogs.PutRetentionPolicyInput) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
			groups[aws.ToString(in.LogGroupName)].retention = in.RetentionInDays
			return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
		},
		deleteRetentionPolicy: func(in *cloudwatchlogs.DeleteRetentionPolicyInput) (*cloudwatchlogs.DeleteRetentionPolicyOutput, error) {
			groups[aws.ToString(in.LogGroupName)].retention = nil
			return &cloudwatchlogs.DeleteRetentionPolicyOutput{}, nil
		},
		associateKmsKey: func(in *cloudwatchlogs.AssociateKmsKeyInput) (*cloudwatchlogs.AssociateKmsKeyOutput, error) {
			groups[aws.ToString(in.LogGroupName)].kms = aws.ToString(in.KmsKeyId)
			return &cloudwatchlogs.AssociateKmsKeyOutput{}, nil
		},
		disassociateKmsKey: func(in *cloudwatchlogs.DisassociateKmsKeyInput) (*cloudwatchlogs.DisassociateKmsKeyOutput, error) {
			groups[aws.ToString(in.LogGroupName)].kms = ""
			return &cloudwatchlogs.DisassociateKmsKeyOutput{}, nil
		},
		tagResource: func(in *cloudwatchlogs.TagResourceInput) (*cloudwatchlogs.TagResourceOutput, error) {
			g, ok := byARN(aws.ToString(in.ResourceArn))
			if !ok {
				return nil, &types.ResourceNotFoundException{}
			}
			for k, v := range in.Tags {
				g.tags[k] = v
			}
			return &cloudwatchlogs.TagResourceOutput{}, nil
		},
		untagResource: func(in *cloudwatchlogs.UntagResourceInput) (*cloudwatchlogs.UntagResourceOutput, error) {
			g, ok := byARN(aws.ToString(in.ResourceArn))
			if !ok {
				return nil, &types.ResourceNotFoundException{}
			}
			for _, k := range in.TagKeys {
				delete(g.tags, k)
			}
			return &cloudwatchlogs.UntagResourceOutput{}, nil
		},
		deleteLogGroup: func(in *cloudwatchlogs.DeleteLogGroupInput) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
			if _, ok := groups[aws.ToString(in.LogGroupName)]; !ok {
				return nil, &types.ResourceNotFoundException{}
			}
			delete(groups, aws.ToString(in.LogGroupName))
			return &cloudwatchlogs.DeleteLogGroupOutput{}, nil
		},
	}
}

func (f *fakeLogs) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}
