package iamrole

import (
	"context"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/fanout"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// ObserveBatch implements reconcile.BatchObserver. Roles are read from
// the plan's role listings (ListRoles and GetAccountAuthorizationDetails, a
// page per thousand roles in the account, shared with iam.role_policy)
// instead of a GetRole and a ListAttachedRolePolicies each. List reads
// every ListRoles page of the plan anyway and takes them from the same
// listing, so even a lone role costs one GetAccountAuthorizationDetails
// page against two reads, and that page serves every other IAM resource
// of the plan. A role the listings did not see (made since, gone, or past
// their page bound, iamindex.MaxPages, or in an account too busy for the listings) is observed on its own, so absent
// is only ever reported by GetRole. Without an index each role is
// observed on its own, a few at a time.
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	out := make([]reconcile.Observation, len(reqs))
	useIndex := k.index != nil
	err := fanout.Each(len(reqs), fanout.Limit, func(i int) error {
		if name := requestName(reqs[i]); useIndex && name != "" {
			pages := iamindex.MaxPages(len(reqs))
			if role, attached, ok := k.index.Role(ctx, name, pages); ok {
				if inline, ok := k.index.InlinePolicyNames(ctx, name, pages); ok {
					obs, err := observation(&role, attached, inline)
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
