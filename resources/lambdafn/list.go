package lambdafn

import (
	"context"
	"strings"

	"github.com/trip-assistant/stack/reconcile"
)

// List implements reconcile.Lister: the names of the functions starting
// with prefix. ListFunctions has no name filter; the prefix is applied
// here. In a plan whose ObserveBatch listed every version, the names come
// from that listing and List calls nothing.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	names, err := k.listing().functionNames(ctx, k.api)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, name := range names {
		if strings.HasPrefix(name, prefix) {
			ids = append(ids, name)
		}
	}
	return ids, nil
}

// ListStacks implements reconcile.StackLister: the functions List finds,
// each with the stack its reconcile:stack tag names, from the tag index's
// listing of every stack's resources when it holds the function, else
// read with GetFunction (an untagged function, or one the index has not
// caught up with).
func (k *Kind) ListStacks(ctx context.Context, prefix string) ([]reconcile.Listed, error) {
	names, err := k.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]reconcile.Listed, 0, len(names))
	for _, name := range names {
		stack, ok := "", false
		if k.tagIndex != nil {
			stack, ok = k.tagIndex.Owner(ctx, k.listing().arn(name))
		}
		if !ok {
			fn, err := k.getFunction(ctx, name)
			if err != nil {
				return nil, err
			}
			if fn == nil {
				continue // deleted since the listing
			}
			stack = fn.Tags[reconcile.TagStack]
		}
		out = append(out, reconcile.Listed{ID: name, Stack: stack})
	}
	return out, nil
}
