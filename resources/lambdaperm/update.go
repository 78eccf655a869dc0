package lambdaperm

import (
	"context"
	"fmt"

	"github.com/trip-assistant/stack/reconcile"
)

// Update implements reconcile.Kind. Every field is ForceNew, so the engine
// replaces a permission instead; reaching here is a bug in the caller.
func (k *Kind) Update(_ context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	return reconcile.Observation{}, fmt.Errorf("lambda permission %q cannot be updated in place (fields %v): it must be replaced", req.ID, req.Diff.Paths())
}
