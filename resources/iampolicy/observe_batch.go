package iampolicy

import (
	"context"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/fanout"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// ObserveBatch implements reconcile.BatchObserver. Policies are read from
// the plan's GetAccountAuthorizationDetails listing instead of a
// GetRolePolicy each: the listing is shared with iam.role, which usually
// made it already, and otherwise costs a page per thousand roles in the
// account, which then serves every other IAM resource of the plan. A
// policy the listing did not see (role or policy made since, gone, or past
// the page bound) is read with GetRolePolicy, so absent is only ever
// reported by it. Without an index each policy is read on its own, a few
// at a time.
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	out := make([]reconcile.Observation, len(reqs))
	useIndex := k.index != nil
	err := fanout.Each(len(reqs), fanout.Limit, func(i int) error {
		if useIndex {
			role, name, err := identity(reqs[i])
			if err != nil {
				return err
			}
			if role != "" && name != "" {
				if doc, ok := k.index.InlinePolicy(ctx, role, name, iamindex.MaxPages(len(reqs))); ok {
					obs, err := decoded(role, name, doc)
					out[i] = obs
					return err
				}
			}
		}
		obs, err := k.Observe(ctx, reqs[i])
		out[i] = obs
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
