package tagindex

import (
	"context"

	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
)

// API is the part of the Resource Groups Tagging API client the index calls.
type API interface {
	GetResources(ctx context.Context, in *rgt.GetResourcesInput, opts ...func(*rgt.Options)) (*rgt.GetResourcesOutput, error)
}

var _ API = (*rgt.Client)(nil)
