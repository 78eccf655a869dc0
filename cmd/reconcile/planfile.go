package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/planfile"
)

const savedPlanHelp = `Make AWS match the spec.

With PLAN_FILE (written by ` + "`reconcile plan --out PLAN_FILE`" + `), apply exactly
that plan, the one that was reviewed: it is refused, before any write to AWS
and naming what moved, if the spec, an input, the state serial or the live
value of a planned resource changed since it was made. The spec file,
environment and region default to the plan's. Sensitive inputs are read
again from their variables and must match the digests the plan recorded.`

// savedPlan is the plan file `reconcile apply FILE` was given, and which of
// the flags that name the stack were set (the others follow the plan).
type savedPlan struct {
	path                       string
	specSet, envSet, regionSet bool
}

// savePlan writes the plan to --out; a plan that cannot be applied is not
// saved.
func (c *planCommand) savePlan(eng *reconcile.Engine, st *stack, plan *reconcile.Plan, state *reconcile.State) error {
	if err := plan.Err(); err != nil {
		fmt.Fprintf(c.stderr, "The plan has errors: not saved to %s.\n", c.out)
		return nil // rendered and exit 1 below, as without --out
	}
	if err := planfile.WriteFile(c.out, planfile.New(plan, st.spec, state, eng, Version)); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Plan saved to %s: `reconcile apply %s` applies exactly this plan.\n", c.out, c.out)
	return nil
}

// applySaved applies a saved plan once everything it was made from is
// checked to be as it was; on a refusal nothing was written to AWS, not
// even the lock.
func (c *planCommand) applySaved(ctx context.Context) error {
	f, err := planfile.ReadFile(c.saved.path)
	if err != nil {
		return err
	}
	c.destroy = f.Plan.Destroy
	if !c.saved.specSet && f.Basis.SpecFile != "" {
		c.flags.spec = f.Basis.SpecFile
	}
	if _, env, ok := strings.Cut(f.Plan.Stack, "/"); ok && !c.saved.envSet {
		c.flags.env = env
	}
	if !c.saved.regionSet {
		c.flags.region = f.Plan.Region
	}
	stopLoad := c.counts.Phase("load")
	st, err := c.flags.load(ctx)
	stopLoad()
	if err != nil {
		return err
	}
	eng := &reconcile.Engine{Kinds: st.kinds, Store: st.store, Parallelism: c.flags.parallelism}
	state, err := st.store.Load(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	c.progress("Checking the plan saved in %s against the spec, its inputs, the state and %d resources... ", c.saved.path, len(f.Plan.Changes))
	stopCheck := c.counts.Phase("check")
	err = f.Check(ctx, eng, st.spec, state)
	stopCheck()
	if err != nil {
		c.progress("it no longer applies\n")
		return err
	}
	c.progress("unchanged (%.1fs)\n", time.Since(start).Seconds())

	info, release, err := st.acquire(ctx, c.operation(), c.flags.spec, c.stderr)
	if err != nil {
		return err
	}
	c.progress("Lock acquired (run %s, held by %s).\n\n", info.ID, info.Who)
	defer release()
	// Another run may have applied between the check and the lock.
	if state, err = st.store.Load(ctx); err != nil {
		return err
	}
	if err := f.CheckSerial(state); err != nil {
		return err
	}
	return c.finish(ctx, eng, st, f.Plan, state)
}
