package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/render"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// planCommand plans, and unless dry-run, applies (or destroys) a stack.
type planCommand struct {
	flags            stackFlags
	dryRun           bool
	destroy          bool
	detailedExitcode bool
	targets          []string // --target: plan these and what they need
	replace          []string // --replace: force these to be replaced
	skipUnmanaged    bool     // --skip-unmanaged
	output           string
	noColor          bool
	stats            bool
	// out is where plan --out saves the plan; saved is the plan file
	// apply was given (cmd/reconcile/planfile.go).
	out            string
	saved          *savedPlan
	counts         *awsclient.Stats
	stdout, stderr io.Writer
}

func (c *planCommand) validate() error {
	if c.destroy && len(c.replace) > 0 {
		return fmt.Errorf("--replace cannot be used with --destroy: a destroy replaces nothing")
	}
	if c.saved != nil && len(c.targets)+len(c.replace) > 0 {
		return fmt.Errorf("a saved plan is applied exactly as it was made: give --target and --replace to the plan that saves it (reconcile plan --out)")
	}
	switch c.output {
	case "text", "json", "markdown":
		return nil
	default:
		return fmt.Errorf("--output must be text, json or markdown, got %q", c.output)
	}
}

// style is how text for f is coloured: never with --no-color.
func (c *planCommand) style(f *os.File) render.Style {
	if c.noColor {
		return render.Style{}
	}
	return render.StyleFor(f)
}

func (c *planCommand) Run(ctx context.Context) error {
	if c.stdout == nil {
		c.stdout, c.stderr = os.Stdout, os.Stderr
	}
	// Counting costs a map increment per call: always on, printed (last,
	// after the lock is released) only with --stats.
	c.counts = awsclient.NewStats()
	c.flags.stats = c.counts
	defer c.printStats()
	if c.saved != nil {
		return c.applySaved(ctx)
	}
	// A plan that applies nothing may leave inputs unset (a drift check
	// without the secret): the fields they feed are reported as not
	// compared. Apply, and a plan saved to be applied, need every value.
	c.flags.allowUnsetInputs = c.dryRun && c.out == ""
	stopLoad := c.counts.Phase("load")
	st, err := c.flags.load(ctx)
	stopLoad()
	if err != nil {
		return err
	}
	eng := &reconcile.Engine{Kinds: st.kinds, Store: st.store, Parallelism: c.flags.parallelism}

	if !c.dryRun {
		info, release, err := st.acquire(ctx, c.operation(), c.flags.spec, c.stderr)
		if err != nil {
			return err
		}
		c.progress("Lock acquired (run %s, held by %s).\n", info.ID, info.Who)
		defer release()
	}

	state, err := st.store.Load(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	c.progress("Reading %d resources of %s (%s)... ", len(st.spec.Resources)+countRemoved(st.spec, state), st.name(), st.spec.Region)
	stopObserve := c.counts.Phase("observe")
	plan, err := eng.Plan(ctx, st.spec, state, reconcile.PlanOptions{Destroy: c.destroy, Targets: c.targets, Replace: c.replace, SkipUnmanaged: c.skipUnmanaged})
	stopObserve()
	if err != nil {
		c.progress("failed\n")
		return err
	}
	c.progress("done in %.1fs\n\n", time.Since(start).Seconds())
	if c.out != "" {
		if err := c.savePlan(eng, st, plan, state); err != nil {
			return err
		}
	}
	return c.finish(ctx, eng, st, plan, state)
}

// finish applies a plan made from state (unless it only plans), renders
// it and reports.
func (c *planCommand) finish(ctx context.Context, eng *reconcile.Engine, st *stack, plan *reconcile.Plan, state *reconcile.State) error {
	if !c.dryRun && plan.Err() == nil && !plan.HasChanges() && plan.NeedsStateWrite() {
		// Nothing to change in AWS, but the state's records are behind
		// (a protect flag, a dependency): record them.
		if _, err := eng.Apply(ctx, plan, st.spec, state); err != nil {
			return err
		}
	}
	if c.dryRun || plan.Err() != nil || !plan.HasChanges() {
		if err := c.render(plan, nil); err != nil {
			return err
		}
		if err := plan.Err(); err != nil {
			return exitCode(1)
		}
		if c.detailedExitcode && plan.HasChanges() {
			return exitCode(2)
		}
		return nil
	}

	if c.output == "text" {
		render.Text(c.stdout, plan, c.style(os.Stdout))
		fmt.Fprintln(c.stdout)
	}
	var mu sync.Mutex
	style := c.style(os.Stderr)
	eng.Events = func(ev reconcile.Event) {
		if line := render.Progress(ev, style); line != "" {
			mu.Lock()
			fmt.Fprintln(c.stderr, line)
			mu.Unlock()
		}
	}
	applyStart := time.Now()
	stopApply := c.counts.Phase("apply")
	res, err := eng.Apply(ctx, plan, st.spec, state)
	stopApply()
	if res == nil {
		return err
	}
	if c.output != "text" {
		if rerr := c.render(plan, res); rerr != nil {
			return rerr
		}
	} else {
		c.summarize(res, time.Since(applyStart))
	}
	if err != nil {
		return err
	}
	if err := c.recordOutputs(ctx, st, plan, res); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %d operations done and recorded; run again to finish", len(res.Done))
	}
	if rerr := res.Err(); rerr != nil {
		return fmt.Errorf("apply finished with errors:\n%w", rerr)
	}
	return nil
}

// recordOutputs keeps the outputs of a complete apply next to the state,
// for `reconcile outputs` and CD; a destroy clears them.
func (c *planCommand) recordOutputs(ctx context.Context, st *stack, plan *reconcile.Plan, res *reconcile.Result) error {
	store := st.outputs
	if store == nil || res.Err() != nil || ctx.Err() != nil || len(plan.Targets) > 0 {
		// A targeted apply saw part of the stack: the outputs recorded
		// stay those of the last full apply.
		return nil
	}
	values := map[string]string{}
	if !c.destroy {
		for k, v := range res.Outputs {
			if s, known := v.(string); known {
				values[k] = s
			}
		}
	}
	return store.SaveOutputs(context.WithoutCancel(ctx), values)
}

func (c *planCommand) operation() string {
	if c.destroy {
		return "destroy"
	}
	return "apply"
}

func (c *planCommand) progress(format string, args ...any) {
	if c.output == "text" {
		fmt.Fprintf(c.stderr, format, args...)
	}
}

func (c *planCommand) render(p *reconcile.Plan, r *reconcile.Result) error {
	switch c.output {
	case "json":
		return render.JSON(c.stdout, render.NewDocument(p, r, c.statsReport()))
	case "markdown":
		render.Markdown(c.stdout, p)
	default:
		render.Text(c.stdout, p, c.style(os.Stdout))
	}
	return nil
}

// statsReport is what --output json carries under "stats": nil without
// --stats. The lock is still held when the document is written, so the
// unlock call is not in it.
func (c *planCommand) statsReport() any {
	if !c.stats || c.counts == nil {
		return nil
	}
	return c.counts.Report()
}

// printStats ends a text or markdown run with --stats on stderr.
func (c *planCommand) printStats() {
	if c.stats && c.output != "json" {
		c.counts.Report().WriteText(c.stderr)
	}
}

func (c *planCommand) summarize(r *reconcile.Result, elapsed time.Duration) {
	counts := map[reconcile.Action]int{}
	for _, a := range r.Done {
		counts[a]++
	}
	verb := "Apply"
	if c.destroy {
		verb = "Destroy"
	}
	fmt.Fprintf(c.stdout, "%s complete: %d created, %d updated, %d replaced, %d deleted in %.1fs.  State serial %d recorded in SSM.\n",
		verb, counts[reconcile.Create], counts[reconcile.Update], counts[reconcile.Replace], counts[reconcile.Delete], elapsed.Seconds(), r.State.Serial)
	if len(r.Outputs) > 0 {
		fmt.Fprintln(c.stdout, "Outputs:")
		names := make([]string, 0, len(r.Outputs))
		for k := range r.Outputs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(c.stdout, "  %s = %s\n", k, render.Value(r.Outputs[k]))
		}
	}
}

func countRemoved(sp *spec.Spec, state *reconcile.State) int {
	n := 0
	for name := range state.Resources {
		if _, ok := sp.Resources[name]; !ok {
			n++
		}
	}
	return n
}
