package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/busyaccount"
	"github.com/trip-assistant/stack/internal/testinfra/stackgen"
)

// fillParallel is how many creations the bench sends the emulator at once
// when it fills the account.
const fillParallel = 16

// busy plans the repository's stack and each generated one in an account
// that also holds another team's N resources, for each N of levels
// (ascending; the account only grows): each stack is applied, planned
// with no change and destroyed at every level, and the plan's wall time
// and calls are reported with their ratio to the first level.
func (b *bench) busy(ctx context.Context, t *table, specFile string, sizes, levels []int) error {
	if len(levels) == 0 {
		return nil
	}
	type stack struct{ name, dir string }
	stacks := []stack{{"spec.yaml", filepath.Join(b.tmp, "busy-spec")}}
	data, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	if err := writeSpec(stacks[0].dir, data); err != nil {
		return err
	}
	for _, n := range sizes {
		s := stack{fmt.Sprintf("gen %d", n), filepath.Join(b.tmp, fmt.Sprintf("busy-gen%d", n))}
		if err := writeSpec(s.dir, stackgen.Spec(n)); err != nil {
			return err
		}
		stacks = append(stacks, s)
	}
	if err := b.emu.Reset(ctx); err != nil {
		return err
	}
	if err := b.applyAccount(ctx, stacks[0].dir, specFile); err != nil {
		return err
	}
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "us-east-2", Endpoint: b.emu.Endpoint})
	if err != nil {
		return err
	}
	base := map[string]runResult{}
	have := 0
	for _, n := range levels {
		if n > have {
			progress("busy account: adding another team's resources %d..%d...", have, n)
			start := time.Now()
			if err := busyaccount.Fill(ctx, cfg, have, n, fillParallel); err != nil {
				return err
			}
			progress("  %d resources in %s", n-have, seconds(time.Since(start)))
			have = n
		}
		for _, s := range stacks {
			progress("busy account of %d: %s...", n, s.name)
			if _, err := b.run(ctx, s.dir); err != nil {
				return err
			}
			// The drift check as CI runs it, and without the unmanaged
			// report: the one read that may list a busy account.
			plans := map[string]runResult{}
			for _, v := range busyVariants {
				plan, err := b.medianPlan(ctx, s.dir, v.args...)
				if err != nil {
					return err
				}
				plans[v.name] = plan
			}
			if _, err := b.run(ctx, s.dir, "--destroy"); err != nil {
				return err
			}
			for _, v := range busyVariants {
				plan := plans[v.name]
				key := s.name + v.name
				size := plan.changes
				r := b.row(fmt.Sprintf("busy %d: %s no-change plan%s", n, s.name, v.name), size, plan, append(b.planNotes(size, plan), fmt.Sprintf("median of %d", busyRuns))...)
				if n == levels[0] {
					base[key] = plan
				} else {
					z := base[key]
					r.Notes = fmt.Sprintf("x%.2f wall, x%.2f calls of busy %d (ratio <= 1.5: %s); %s",
						plan.wall.Seconds()/z.wall.Seconds(), float64(plan.stats.Calls)/float64(z.stats.Calls), levels[0],
						verdict(plan.wall.Seconds()/z.wall.Seconds() <= 1.5), r.Notes)
				}
				t.add(r)
			}
		}
	}
	return nil
}

// busyVariants are the plans measured in the busy account.
var busyVariants = []struct {
	name string
	args []string
}{{"", nil}, {", --skip-unmanaged", []string{"--skip-unmanaged"}}}

// busyRuns is how many no-change plans make one figure of the busy account.
const busyRuns = 3

// medianPlan is the no-change plan of median wall time of busyRuns.
func (b *bench) medianPlan(ctx context.Context, dir string, args ...string) (runResult, error) {
	var rs []runResult
	for range busyRuns {
		r, err := b.run(ctx, dir, append([]string{"--dry-run"}, args...)...)
		if err != nil {
			return runResult{}, err
		}
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].wall < rs[j].wall })
	return rs[len(rs)/2], nil
}

func writeSpec(dir string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "spec.yaml"), data, 0o644)
}
