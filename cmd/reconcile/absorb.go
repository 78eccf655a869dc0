package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/trip-assistant/stack/absorb"
	"github.com/trip-assistant/stack/reconcile"
)

// absorbCommand parses `reconcile absorb`; package absorb does the work.
type absorbCommand struct {
	flags          stackFlags
	names          []string
	write          bool
	stdout, stderr io.Writer
}

func absorbRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &absorbCommand{}
	cmd := &cobra.Command{
		Use:   "absorb [NAME...]",
		Short: "Write the live values of out-of-band changes into the spec (a diff first; --write to write it)",
		Long: `Plan, then for each out-of-band change (or only those of the resources
named) write the live value into the spec file, keeping its comments,
anchors, key order and layout: only the changed values' text is replaced.
A value the environment overrides is written in its override. The edit is
shown as a unified diff; the file is written only with --write. Afterwards
the plan of that environment shows no change for what was absorbed.`,
		RunE: func(_ *cobra.Command, args []string) error {
			c.flags, c.names = g.stack, args
			if err := textOnly("absorb", g.output); err != nil {
				return err
			}
			return exec(ctx, c)
		},
	}
	cmd.Flags().BoolVar(&c.write, "write", false, "write the edited spec (default: only show the diff)")
	return cmd
}

func (c *absorbCommand) Run(ctx context.Context) error {
	if c.stdout == nil {
		c.stdout, c.stderr = os.Stdout, os.Stderr
	}
	data, err := os.ReadFile(c.flags.spec)
	if err != nil {
		return fmt.Errorf("cannot read spec: %w", err)
	}
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	state, err := st.store.Load(ctx)
	if err != nil {
		return err
	}
	eng := &reconcile.Engine{Kinds: st.kinds, Store: st.store, Parallelism: c.flags.parallelism}
	plan, err := eng.Plan(ctx, st.spec, state, reconcile.PlanOptions{})
	if err != nil {
		return err
	}
	if err := plan.Err(); err != nil {
		return err
	}
	res, err := absorb.Absorb(data, plan.Changes, absorb.Options{File: c.flags.spec, Environment: st.spec.Environment, Names: c.names})
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(c.stderr, "  not absorbed: %s %s: %s\n", s.Resource, s.Path, s.Reason)
	}
	if len(res.Edits) == 0 {
		fmt.Fprintln(c.stdout, "Nothing to absorb: the plan finds no out-of-band change the spec can take.")
		return nil
	}
	fmt.Fprint(c.stdout, res.Diff(c.flags.spec))
	if !c.write {
		fmt.Fprintf(c.stdout, "\n%d values to absorb. Nothing written: run again with --write to write %s.\n", len(res.Edits), c.flags.spec)
		return nil
	}
	info, err := os.Stat(c.flags.spec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.flags.spec, res.After, info.Mode().Perm()); err != nil {
		return fmt.Errorf("cannot write the spec: %w", err)
	}
	fmt.Fprintf(c.stdout, "\nWrote %d values into %s.\n", len(res.Edits), c.flags.spec)
	return nil
}
