package iampolicy

import (
	"context"

	"github.com/trip-assistant/stack/reconcile"
)

// Update implements reconcile.Kind. Only the document can change in place.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	if !req.Diff.Has("policy") {
		return req.Live, nil
	}
	return k.put(ctx, req.Desired)
}
