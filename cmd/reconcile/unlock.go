package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/trip-assistant/stack/reconcile"
)

// unlockCommand clears a stale lock left by a run that is gone.
type unlockCommand struct {
	flags stackFlags
	id    string // the lock to clear, as the error naming its holder gave it
}

func (c *unlockCommand) Run(ctx context.Context) error {
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	id := c.id
	if err := st.store.Unlock(ctx, id); err != nil {
		if errors.Is(err, reconcile.ErrNoLock) {
			return fmt.Errorf("cannot unlock %s: %w", st.name(), err)
		}
		return err
	}
	fmt.Printf("Lock %s on %s released.\n", id, st.name())
	return nil
}
