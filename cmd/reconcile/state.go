package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/statecmd"
)

const stateUsage = `usage: reconcile state COMMAND [--spec FILE] [ARGS]
  list            the resources the state records
  show NAME       what it records of one (secrets as (sensitive))
  rm NAME...      forget resources; AWS is not touched
  history         the record's versions SSM keeps
  restore SERIAL  put a version back as a new serial`

// stateCommand parses `reconcile state ...`; statecmd does the work.
type stateCommand struct{ flags stackFlags }

func (c *stateCommand) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		return errors.New(stateUsage)
	}
	sub := args[0]
	fs := pflag.NewFlagSet("reconcile state "+sub, pflag.ContinueOnError)
	c.flags.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return exitCode(1)
	}
	want := map[string]int{"list": 0, "show": 1, "history": 0, "restore": 1}
	n, known := want[sub]
	switch {
	case sub == "rm" && fs.NArg() == 0, known && fs.NArg() != n, !known && sub != "rm":
		return errors.New(stateUsage)
	}
	// The state commands change no resource: they need the spec's
	// structure, not its secrets.
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	cmds := &statecmd.Commands{
		Store:     st.ssm,
		Lock:      reconcile.LockInfo{ID: newRunID(), Who: whoAmI(), Since: time.Now().UTC()},
		Sensitive: st.holdsSecret,
		Out:       os.Stdout,
	}
	err = nil
	switch sub {
	case "list":
		err = cmds.List(ctx)
	case "show":
		err = cmds.Show(ctx, fs.Arg(0))
	case "rm":
		err = cmds.Rm(ctx, fs.Args())
	case "history":
		err = cmds.History(ctx)
	case "restore":
		serial, perr := strconv.ParseInt(fs.Arg(0), 10, 64)
		if perr != nil {
			return fmt.Errorf("reconcile state restore: SERIAL must be a number, got %q (see reconcile state history)", fs.Arg(0))
		}
		err = cmds.Restore(ctx, serial)
	}
	var held *reconcile.LockedError
	if errors.As(err, &held) {
		return fmt.Errorf("%w\nIf that run is gone, clear the lock with:  reconcile unlock --spec %s %s", err, c.flags.spec, held.Holder.ID)
	}
	return err
}

// holdsSecret tells whether a resource of the spec takes a sensitive
// property, so its recorded digest is not shown.
func (s *stack) holdsSecret(name string) bool {
	r, ok := s.spec.Resources[name]
	if !ok {
		// Not in the spec (any more): its schema is unknown, assume the worst.
		return true
	}
	k, known := s.kinds[r.Type]
	if !known {
		// Not in the spec (any more): its schema is unknown, assume the worst.
		return true
	}
	for _, f := range k.Schema() {
		if f.Sensitive {
			return true
		}
	}
	return false
}
