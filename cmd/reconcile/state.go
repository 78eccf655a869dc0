package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/statecmd"
)

// stateCommand runs one of `reconcile state ...`; statecmd does the work.
type stateCommand struct {
	flags stackFlags
	sub   string
	args  []string
}

// stateRunner is `reconcile state` and its subcommands. Like every other
// command they take the global flags before or after their name.
func stateRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state COMMAND",
		Short: "List, show, forget, list the history of or restore the state's records",
		Args:  cobra.NoArgs,
	}
	for _, s := range []struct {
		use, short string
		args       cobra.PositionalArgs
	}{
		{"list", "The resources the state records", cobra.NoArgs},
		{"show NAME", "What the state records of one resource (secrets as (sensitive))", cobra.ExactArgs(1)},
		{"rm NAME...", "Forget resources; AWS is not touched", cobra.MinimumNArgs(1)},
		{"history", "The state record's versions SSM keeps", cobra.NoArgs},
		{"restore SERIAL", "Put a version of the state back as a new serial", cobra.ExactArgs(1)},
	} {
		cmd.AddCommand(&cobra.Command{
			Use: s.use, Short: s.short, Args: s.args,
			RunE: func(c *cobra.Command, args []string) error {
				if err := textOnly("state", g.output); err != nil {
					return err
				}
				return exec(ctx, &stateCommand{flags: g.stack, sub: c.Name(), args: args})
			},
		})
	}
	return cmd
}

func (c *stateCommand) Run(ctx context.Context) error {
	var serial int64
	if c.sub == "restore" {
		var err error
		if serial, err = strconv.ParseInt(c.args[0], 10, 64); err != nil {
			return fmt.Errorf("reconcile state restore: SERIAL must be a number, got %q (see reconcile state history)", c.args[0])
		}
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
	switch c.sub {
	case "list":
		err = cmds.List(ctx)
	case "show":
		err = cmds.Show(ctx, c.args[0])
	case "rm":
		err = cmds.Rm(ctx, c.args)
	case "history":
		err = cmds.History(ctx)
	case "restore":
		err = cmds.Restore(ctx, serial)
	}
	return withLockHint(err, c.flags.spec)
}
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
