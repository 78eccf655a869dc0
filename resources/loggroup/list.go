package loggroup

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/reconcile"
)

// List returns the names of the log groups starting with prefix.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	groups, err := k.describe(ctx, prefix)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// ListStacks implements reconcile.StackLister: the groups List finds, each
// with the stack its reconcile:stack tag names, from the tag index's
// listing of every stack's resources when it holds the group, else read
// with ListTagsForResource (an untagged group, or one the index has not
// caught up with).
func (k *Kind) ListStacks(ctx context.Context, prefix string) ([]reconcile.Listed, error) {
	groups, err := k.describe(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]reconcile.Listed, 0, len(groups))
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		arn := strings.TrimSuffix(aws.ToString(groups[name].Arn), ":*")
		stack, ok := "", false
		if k.tagIndex != nil {
			stack, ok = k.tagIndex.Owner(ctx, arn)
		}
		if !ok {
			tags, err := k.listTags(ctx, name, arn)
			if err != nil {
				return nil, err
			}
			stack = tags[reconcile.TagStack]
		}
		out = append(out, reconcile.Listed{ID: name, Stack: stack})
	}
	return out, nil
}
