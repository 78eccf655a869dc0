package tagindextest

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	rgttypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Fake lists Listed (ARN to tags) in one GetResources page, or fails with
// Err.
type Fake struct {
	Listed map[string]map[string]string
	Err    error
}

// GetResources answers with every listed resource.
func (f Fake) GetResources(context.Context, *rgt.GetResourcesInput, ...func(*rgt.Options)) (*rgt.GetResourcesOutput, error) {
	if f.Err != nil {
		return nil, f.Err
	}
	out := &rgt.GetResourcesOutput{}
	for arn, tags := range f.Listed {
		m := rgttypes.ResourceTagMapping{ResourceARN: aws.String(arn)}
		for k, v := range tags {
			m.Tags = append(m.Tags, rgttypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, m)
	}
	return out, nil
}

// ResetCounter is a tag index that confirms nothing and counts Reset
// calls, for tests that a kind resets its index when a plan begins.
type ResetCounter struct{ Resets int }

// Confirm confirms nothing: the kind reads every tag itself.
func (r *ResetCounter) Confirm(context.Context, string, ...spec.Props) (map[string]string, bool) {
	return nil, false
}

// Reset counts.
func (r *ResetCounter) Reset() { r.Resets++ }

// Owner knows no owner: the kind reads every tag itself.
func (r *ResetCounter) Owner(context.Context, string) (string, bool) { return "", false }
