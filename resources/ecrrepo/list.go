package ecrrepo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// List returns the names of the repositories starting with prefix. ECR
// has no name filter, so it answers from a listing of the whole registry:
// the plan's, when complete.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	l, err := k.fullListing(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range l.repos {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// ListStacks implements reconcile.StackLister: the repositories List
// finds, each with the stack its reconcile:stack tag names, from the tag
// index's listing of every stack's resources when it holds the
// repository, else read with ListTagsForResource.
func (k *Kind) ListStacks(ctx context.Context, prefix string) ([]reconcile.Listed, error) {
	l, err := k.fullListing(ctx)
	if err != nil {
		return nil, err
	}
	var out []reconcile.Listed
	for _, name := range slices.Sorted(maps.Keys(l.repos)) {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		arn := l.repos[name].RepositoryArn
		stack, ok := "", false
		if k.tagIndex != nil {
			stack, ok = k.tagIndex.Owner(ctx, aws.ToString(arn))
		}
		if !ok {
			tags, err := k.api.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: arn})
			if kindkit.Is[*types.RepositoryNotFoundException](err) {
				continue // deleted since the listing
			}
			if err != nil {
				return nil, fmt.Errorf("cannot list tags of ecr repository %q: %w", name, err)
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == reconcile.TagStack {
					stack = aws.ToString(t.Value)
				}
			}
		}
		out = append(out, reconcile.Listed{ID: name, Stack: stack})
	}
	return out, nil
}
