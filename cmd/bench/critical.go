package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/devtools/critpath"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
	"github.com/trip-assistant/stack/resources/kinds"
)

// criticalPath applies the stack in dir from empty in this process, with
// the engine's events recorded, and reports the critical path of the
// walk (the heaviest chain of dependent operations, by their measured
// durations) next to the apply's wall time. It runs the engine in process
// because the CLI prints its events as text for people; the wiring is the
// CLI's (cmd/reconcile stack.load) without the lock, which an emptied
// emulator does not need.
func (b *bench) criticalPath(ctx context.Context, t *table, label, dir string) error {
	progress("%s: apply from empty in process, for its critical path...", label)
	if err := b.emu.Reset(ctx); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "account.yaml")); err == nil {
		if _, err := b.run(ctx, dir, "--spec", "account.yaml"); err != nil {
			return err
		}
	}
	env := map[string]string{}
	for _, kv := range b.env(b.emu.Endpoint) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	sp, err := spec.LoadFile(filepath.Join(dir, "spec.yaml"), spec.LoadOptions{
		Types:     reconcile.Schemas(kinds.All(aws.Config{})),
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	if err != nil {
		return err
	}
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: sp.Region, Endpoint: b.emu.Endpoint})
	if err != nil {
		return err
	}
	identity := awsclient.NewIdentity(cfg)
	if sp.NeedsAccountID {
		if sp.AccountID, _, err = identity.Get(ctx); err != nil {
			return err
		}
	}
	store := ssmstate.New(cfg, sp.Project, sp.Environment)
	const parallelism = 10 // the CLI's default
	eng := &reconcile.Engine{Kinds: kinds.All(cfg, kinds.WithIdentity(identity)), Store: store, Parallelism: parallelism}
	state, err := store.Load(ctx)
	if err != nil {
		return err
	}
	plan, err := eng.Plan(ctx, sp, state, reconcile.PlanOptions{})
	if err != nil {
		return err
	}
	if err := plan.Err(); err != nil {
		return err
	}
	deps := map[string][]string{}
	for _, c := range plan.Changes {
		deps[c.Name] = c.Deps
	}

	var mu sync.Mutex
	started := map[string]time.Time{}
	var ops []critpath.Op
	var failed []string
	eng.Events = func(ev reconcile.Event) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		switch ev.Phase {
		case reconcile.Started:
			started[ev.Name] = now
		case reconcile.Succeeded:
			ops = append(ops, critpath.Op{Name: ev.Name, Deps: deps[ev.Name], Start: started[ev.Name], Duration: ev.Elapsed})
		case reconcile.Failed, reconcile.Skipped:
			failed = append(failed, ev.Name)
		}
	}
	start := time.Now()
	res, err := eng.Apply(ctx, plan, sp, state)
	wall := time.Since(start)
	if err != nil {
		return err
	}
	if rerr := res.Err(); rerr != nil {
		return fmt.Errorf("the in-process apply of %s failed: %w", label, rerr)
	}
	if len(failed) > 0 {
		return fmt.Errorf("the in-process apply of %s did not do %s", label, strings.Join(failed, ", "))
	}
	a, err := critpath.Analyze(ops)
	if err != nil {
		return err
	}
	t.add(row{
		Case:      label + " apply from empty: critical path",
		Resources: fmt.Sprint(len(ops)),
		Wall:      seconds(a.Critical.Sum),
		Notes:     fmt.Sprintf("%d ops: %s", len(a.Critical.Ops), pathText(a.Critical)),
	})
	// No schedule of these ops at this parallelism beats the longer of
	// the path and the work spread evenly.
	bound := max(a.Critical.Sum, a.Work/parallelism)
	t.add(row{
		Case:      label + " apply from empty: walk",
		Resources: fmt.Sprint(len(ops)),
		Wall:      seconds(wall),
		Notes: fmt.Sprintf("in process, parallelism %d: wall x%.2f the critical path, x%.2f the bound max(critical path, work %s / %d); waits once the dependencies were done: %s",
			parallelism, wall.Seconds()/a.Critical.Sum.Seconds(), wall.Seconds()/bound.Seconds(), seconds(a.Work), parallelism, waitsText(a)),
	})
	return nil
}

// pathText names the path's ops with their durations; a long path shows
// its heaviest five.
func pathText(p critpath.Path) string {
	ops := p.Ops
	var parts []string
	if len(ops) > 8 {
		heavy := append([]critpath.Op(nil), ops...)
		sort.SliceStable(heavy, func(i, j int) bool { return heavy[i].Duration > heavy[j].Duration })
		for _, o := range heavy[:5] {
			parts = append(parts, fmt.Sprintf("%s %s", o.Name, seconds(o.Duration)))
		}
		return "heaviest: " + strings.Join(parts, ", ")
	}
	for _, o := range ops {
		parts = append(parts, fmt.Sprintf("%s %s", o.Name, seconds(o.Duration)))
	}
	return strings.Join(parts, " -> ")
}

// waitsText is the total wait, and the longest one of an op on the
// critical path (waits there add to the wall time).
func waitsText(a critpath.Analysis) string {
	var total, onPath time.Duration
	worst := ""
	for _, w := range a.Waits {
		total += w
	}
	for _, o := range a.Critical.Ops {
		if w := a.Waits[o.Name]; w > onPath {
			onPath, worst = w, o.Name
		}
	}
	s := fmt.Sprintf("%s in all", seconds(total))
	if worst != "" {
		s += fmt.Sprintf(", on the path at most %s (%s)", seconds(onPath), worst)
	}
	return s
}
