package tagindex

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// pageSize is the most resources GetResources returns a page.
const pageSize = 100

// Index is a snapshot of the tags of a stack's resources, listed on first
// use and kept until Reset: the kinds holding it reset it when a plan
// begins (reconcile.PlanScoped), so no plan confirms tags from an earlier
// plan's listing. Safe for concurrent use; a nil *Index confirms nothing,
// so kinds built without one read every tag.
type Index struct {
	api API

	stacks kindkit.PlanListing[stackListings]
}

// stackListings holds the listings of one plan by reconcile:stack value.
type stackListings struct {
	mu sync.Mutex
	m  map[string]*listing
}

// listing is one stack's GetResources listing, made once; err is kept so
// that a failed listing is not retried by every kind of the run.
type listing struct {
	once sync.Once
	tags map[string]map[string]string // by ARN
	err  error
}

// New returns an index listing with a client built from cfg.
func New(cfg aws.Config) *Index { return NewWithAPI(rgt.NewFromConfig(cfg)) }

// NewWithAPI returns an index listing through api (a fake in tests).
func NewWithAPI(api API) *Index { return &Index{api: api} }

// Confirm returns the tags the index lists for arn when they are exactly
// the tags of every one of desired (a batch may hold several requests for
// one resource). Only then may a kind report them as the live tags without
// reading them itself; on false it must read them with its own
// per-resource call.
//
// Why only equality: the Tagging API is eventually consistent (tags can
// lag minutes behind TagResource/UntagResource), while each service's own
// ListTagsForResource is authoritative. Trusting the index only when it
// agrees with the spec means a stale entry can never produce a false diff
// (a mismatch is always re-read) nor report a change it has not seen as
// drift. What it cannot see is a change made out of band within the lag
// window that moves tags away from the spec: that drift shows on the next
// plan once the index catches up, as if the change had been made after
// this plan.
//
// The stack value is taken from the desired reconcile:stack tag (the
// engine puts it in every kind's desired tags); desired props without it
// (a resource removed from the spec), with a tag value that is not a
// string (an Unknown reference), or a failed listing confirm nothing.
func (x *Index) Confirm(ctx context.Context, arn string, desired ...spec.Props) (map[string]string, bool) {
	if x == nil || arn == "" || len(desired) == 0 {
		return nil, false
	}
	var got map[string]string
	for _, d := range desired {
		want, ok := stringTags(d)
		if !ok || want[reconcile.TagStack] == "" {
			return nil, false
		}
		l := x.listing(ctx, want[reconcile.TagStack])
		if l.err != nil {
			return nil, false
		}
		listed, ok := l.tags[arn]
		if !ok || !maps.Equal(listed, want) {
			return nil, false
		}
		got = listed
	}
	return maps.Clone(got), true
}

// Reset drops every listing: the next Confirm lists again. Several kinds
// share one index and each resets it, so it may be called more than once
// before a plan, never while one observes. A nil *Index ignores it.
func (x *Index) Reset() {
	if x == nil {
		return
	}
	x.stacks.BeginPlan()
}

// listing returns stack's listing, made by the first caller; the others
// wait for it.
func (x *Index) listing(ctx context.Context, stack string) *listing {
	s := x.stacks.Current()
	s.mu.Lock()
	l, ok := s.m[stack]
	if !ok {
		if s.m == nil {
			s.m = map[string]*listing{}
		}
		l = &listing{}
		s.m[stack] = l
	}
	s.mu.Unlock()
	l.once.Do(func() { l.tags, l.err = x.list(ctx, stack) })
	return l
}

// anyStack keys the listing of every stack's resources: no stack value is
// empty, and the engine never makes one.
const anyStack = ""

// Owner returns the stack the reconcile:stack tag of arn names, from one
// listing per plan of every resource carrying that tag, whatever its value
// (so a plan tells its neighbours' resources from unmanaged ones without a
// call per resource). ok is false when the listing does not hold arn (an
// untagged resource, or one the eventually consistent listing has not
// caught up with) or failed: the kind then reads the resource's tags
// itself. A nil *Index knows nothing.
func (x *Index) Owner(ctx context.Context, arn string) (stack string, ok bool) {
	if x == nil || arn == "" {
		return "", false
	}
	l := x.listing(ctx, anyStack)
	if l.err != nil {
		return "", false
	}
	tags, ok := l.tags[strings.TrimSuffix(arn, ":*")]
	if !ok || tags[reconcile.TagStack] == "" {
		return "", false
	}
	return tags[reconcile.TagStack], true
}

// list pages through every resource tagged reconcile:stack=stack (any
// value for anyStack). The
// filter bounds it by the stack's size, not the account's. No resource
// type filter: moto 5.2.5 answers ResourceTypeFilters ["logs:log-group"]
// with nothing, and the few extra entries (lambda functions) cost a page
// per hundred.
func (x *Index) list(ctx context.Context, stack string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	filter := types.TagFilter{Key: aws.String(reconcile.TagStack), Values: []string{stack}}
	if stack == anyStack {
		filter.Values = nil // the key with any value
	}
	pages := rgt.NewGetResourcesPaginator(x.api, &rgt.GetResourcesInput{
		TagFilters:       []types.TagFilter{filter},
		ResourcesPerPage: aws.Int32(pageSize),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list the resources tagged %s=%s: %w", reconcile.TagStack, stack, err)
		}
		for _, r := range page.ResourceTagMappingList {
			tags := make(map[string]string, len(r.Tags))
			for _, t := range r.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			// A log group's legacy ARN ends with ":*" (its streams); the
			// kinds know the bare one.
			out[strings.TrimSuffix(aws.ToString(r.ResourceARN), ":*")] = tags
		}
	}
	return out, nil
}

// stringTags converts desired tags when every value is a known string.
func stringTags(desired spec.Props) (map[string]string, bool) {
	raw, ok := desired["tags"]
	if !ok {
		return nil, false
	}
	var m map[string]any
	switch v := raw.(type) {
	case map[string]any:
		m = v
	case spec.Props:
		m = v
	case map[string]string:
		return v, true
	default:
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}
