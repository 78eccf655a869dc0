package loggroup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/batch"
	"github.com/trip-assistant/stack/resources/internal/fanout"
)

// minSharedPrefix is the shortest common prefix ObserveBatch lists instead
// of reading each group on its own: "/aws/lambda/" and longer narrow the
// listing to the stack's groups, while a shorter one ("/") could page
// through every group in the account.
const minSharedPrefix = len("/aws/lambda/")

// Observe reads one log group.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	return batch.One(ctx, k, req)
}

// ObserveBatch reads many log groups. DescribeLogGroups filters only by
// prefix, so when every name shares a long enough prefix one paginated
// listing finds them all; otherwise each name gets its own prefix listing.
// Tags cost one ListTagsForResource per existing group, unless the run's
// tag index confirms the group's tags equal the desired ones (see
// tagindex.Index.Confirm for why only then).
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	g := batch.Group(reqs, nameOf)
	names, unique, desired := g.Names, g.Unique, g.Desired
	groups := map[string]types.LogGroup{}
	if prefix := commonPrefix(unique); len(unique) > 1 && len(prefix) >= minSharedPrefix {
		all, err := k.describe(ctx, prefix)
		if err != nil {
			return nil, err
		}
		for _, n := range unique {
			if g, ok := all[n]; ok {
				groups[n] = g
			}
		}
	} else {
		for _, n := range unique {
			all, err := k.describe(ctx, n)
			if err != nil {
				return nil, err
			}
			if g, ok := all[n]; ok {
				groups[n] = g
			}
		}
	}
	existing := make([]string, 0, len(groups))
	for _, n := range unique {
		if _, ok := groups[n]; ok {
			existing = append(existing, n)
		}
	}
	// A group whose every request ignores its filters is not asked for them.
	readFilters := map[string]bool{}
	for i, r := range reqs {
		if !r.Ignores("subscription_filters") {
			readFilters[names[i]] = true
		}
	}
	tagsOf := make([]map[string]string, len(existing))
	filtersOf := make([][]string, len(existing))
	gone := make([]bool, len(existing))
	err := fanout.Each(len(existing), fanout.Limit, func(i int) error {
		n := existing[i]
		var notFound *types.ResourceNotFoundException
		if readFilters[n] {
			f, err := k.subscriptionFilters(ctx, n)
			if errors.As(err, &notFound) {
				gone[i] = true // deleted between the reads: absent
				return nil
			}
			if err != nil {
				return err
			}
			filtersOf[i] = f
		}
		if t, ok := k.indexedTags(ctx, arnOf(groups[n]), desired[n]); ok {
			tagsOf[i] = t
			return nil
		}
		t, err := k.listTags(ctx, n, arnOf(groups[n]))
		if errors.As(err, &notFound) {
			gone[i] = true
			return nil
		}
		tagsOf[i] = t
		return err
	})
	if err != nil {
		return nil, err
	}
	tags := make(map[string]map[string]string, len(existing))
	filters := make(map[string][]string, len(existing))
	for i, n := range existing {
		if !gone[i] {
			tags[n], filters[n] = tagsOf[i], filtersOf[i]
		}
	}
	out := make([]reconcile.Observation, len(reqs))
	for i := range reqs {
		t, ok := tags[names[i]]
		if !ok {
			continue // absent
		}
		out[i] = observation(groups[names[i]], t)
		if readFilters[names[i]] {
			out[i].Props["subscription_filters"] = spec.StringListValue(filters[names[i]])
		}
	}
	return out, nil
}

func nameOf(r reconcile.ObserveRequest) string {
	if r.ID != "" {
		return r.ID
	}
	return r.Desired.String("name")
}

func observation(g types.LogGroup, tags map[string]string) reconcile.Observation {
	name := aws.ToString(g.LogGroupName)
	props := spec.Props{
		"name":           name,
		"tags":           spec.StringMapValue(tags),
		"retention_days": int64(0), // no retention policy: never expire
	}
	if g.RetentionInDays != nil {
		props["retention_days"] = int64(*g.RetentionInDays)
	}
	if key := aws.ToString(g.KmsKeyId); key != "" {
		props["kms_key_id"] = key
	}
	return reconcile.Observation{
		Exists: true,
		ID:     name,
		Props:  props,
		Attrs:  map[string]string{"arn": arnOf(g), "name": name},
	}
}

// arnOf is the group's ARN without the ":*" that the legacy arn field ends
// with (it names the group's log streams, for IAM). Tagging APIs, IAM
// statements about the group itself and other resources referring to it
// want the bare ARN, which newer responses carry as logGroupArn.
func arnOf(g types.LogGroup) string {
	if arn := aws.ToString(g.LogGroupArn); arn != "" {
		return arn
	}
	return strings.TrimSuffix(aws.ToString(g.Arn), ":*")
}

// indexedTags returns the group's tags when the tag index confirms they
// are the desired ones; false means they must be read.
func (k *Kind) indexedTags(ctx context.Context, arn string, desired []spec.Props) (map[string]string, bool) {
	if k.tagIndex == nil {
		return nil, false
	}
	return k.tagIndex.Confirm(ctx, arn, desired...)
}

// describe lists the groups whose names start with prefix, by name.
func (k *Kind) describe(ctx context.Context, prefix string) (map[string]types.LogGroup, error) {
	out := map[string]types.LogGroup{}
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(k.api, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String(prefix),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot describe log groups starting with %q: %w", prefix, err)
		}
		for _, g := range page.LogGroups {
			out[aws.ToString(g.LogGroupName)] = g
		}
	}
	return out, nil
}

func (k *Kind) listTags(ctx context.Context, name, arn string) (map[string]string, error) {
	resp, err := k.api.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("cannot list tags of log group %q: %w", name, err)
	}
	if resp.Tags == nil {
		return map[string]string{}, nil
	}
	return resp.Tags, nil
}

// commonPrefix is the longest prefix all names share.
func commonPrefix(names []string) string {
	if len(names) == 0 {
		return ""
	}
	p := names[0]
	for _, n := range names[1:] {
		i := 0
		for i < len(p) && i < len(n) && p[i] == n[i] {
			i++
		}
		p = p[:i]
	}
	return p
}

// subscriptionFilters lists the names of the group's subscription filters,
// sorted (AWS allows two per group: one call).
func (k *Kind) subscriptionFilters(ctx context.Context, name string) ([]string, error) {
	var names []string
	p := cloudwatchlogs.NewDescribeSubscriptionFiltersPaginator(k.api, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list the subscription filters of log group %q: %w", name, err)
		}
		for _, f := range page.SubscriptionFilters {
			names = append(names, aws.ToString(f.FilterName))
		}
	}
	sort.Strings(names)
	return names, nil
}
