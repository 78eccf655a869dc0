package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/trip-assistant/stack/reconcile"
)

// unlockCommand clears a stale lock left by a run that is gone.
type unlockCommand struct{ flags stackFlags }

func (c *unlockCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reconcile unlock", flag.ContinueOnError)
	c.flags.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitCode(1)
	}
	if fs.NArg() != 1 {
		return errors.New("usage: reconcile unlock --spec FILE LOCK_ID (the id is in the error that named the lock's holder)")
	}
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	id := fs.Arg(0)
	if err := st.store.Unlock(ctx, id); err != nil {
		if errors.Is(err, reconcile.ErrNoLock) {
			return fmt.Errorf("cannot unlock %s: %w", st.name(), err)
		}
		return err
	}
	fmt.Printf("Lock %s on %s released.\n", id, st.name())
	return nil
}
