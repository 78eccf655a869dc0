package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator"
	"github.com/trip-assistant/stack/internal/testinfra/stackgen"
)

var progressOut = os.Stderr

func progress(format string, args ...any) { fmt.Fprintf(progressOut, format+"\n", args...) }

func repoRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("cannot find the module's directory (run from the repository): %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// buildCLI builds reconcile as `make build` does, so the figures are those
// of the shipped binary.
func buildCLI(ctx context.Context, root, out string) (string, error) {
	progress("building reconcile...")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./cmd/reconcile")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("cannot build reconcile: %w", err)
	}
	return out, nil
}

// bench runs the CLI against one emulator.
type bench struct {
	cli   string
	tmp   string
	emu   *emulator.Emulator
	first []float64 // ms from process start to the first AWS call, every run
}

func startBench(ctx context.Context, cli, tmp string) (*bench, error) {
	os.Unsetenv("AWS_CA_BUNDLE")
	progress("starting the emulator...")
	emu, err := emulator.Start(ctx)
	if err != nil {
		return nil, err
	}
	return &bench{cli: cli, tmp: tmp, emu: emu}, nil
}

func (b *bench) stop() { b.emu.Stop() }

// runResult is one run of the CLI.
type runResult struct {
	started time.Time // just before exec
	wall    time.Duration
	rssKB   int64
	stats   awsclient.Report
	changes int // resources in the plan
	actions map[string]int
}

// document is the part of the JSON output bench reads.
type document struct {
	Changes []struct {
		Action string `json:"action"`
	} `json:"changes"`
	Stats *awsclient.Report `json:"stats"`
}

// cli runs reconcile in dir with --output json --stats and reads its
// figures: wall time from exec to exit, and the peak RSS the kernel
// reports for the process.
func (b *bench) run(ctx context.Context, dir string, args ...string) (runResult, error) {
	return b.runAt(ctx, b.emu.Endpoint, dir, args...)
}

// runAt is run with the AWS calls sent to endpoint.
func (b *bench) runAt(ctx context.Context, endpoint, dir string, args ...string) (runResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	args = append([]string{"--spec", "spec.yaml", "--output", "json", "--stats"}, args...)
	cmd := exec.CommandContext(ctx, b.cli, args...)
	cmd.Dir = dir
	cmd.Env = b.env(endpoint)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return runResult{}, fmt.Errorf("reconcile %s failed: %w\n%s", strings.Join(args, " "), err, tail(stderr.String()+stdout.String()))
	}
	var doc document
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Stats == nil {
		return runResult{}, fmt.Errorf("reconcile %s printed no JSON stats: %v\n%s", strings.Join(args, " "), err, tail(stdout.String()))
	}
	r := runResult{started: start, wall: wall, stats: *doc.Stats, changes: len(doc.Changes), actions: map[string]int{}}
	for _, c := range doc.Changes {
		r.actions[c.Action]++
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssKB = int64(ru.Maxrss) // kilobytes on Linux
	}
	if r.stats.FirstCallMS > 0 {
		b.first = append(b.first, r.stats.FirstCallMS)
	}
	return r, nil
}

func (b *bench) env(endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"OPENAI_API_KEY=sk-bench-0123456789", "NO_COLOR=1",
	)
}

func tail(s string) string {
	if len(s) > 3000 {
		return "..." + s[len(s)-3000:]
	}
	return s
}

// stateWrites is "writes/PutParameter calls" of the state.
func stateWrites(r runResult) string {
	for _, p := range r.stats.Phases {
		if p.Name == "state write" {
			return fmt.Sprintf("%d / %d calls", p.Runs, p.OwnCalls)
		}
	}
	return "0"
}

func (b *bench) row(name string, n int, r runResult, notes ...string) row {
	return row{
		Case:        name,
		Resources:   fmt.Sprint(n),
		Wall:        seconds(r.wall),
		Calls:       fmt.Sprint(r.stats.Calls),
		PerResource: fmt.Sprintf("%.2f", float64(r.stats.Calls)/float64(n)),
		PeakRSS:     megabytes(r.rssKB),
		StateWrites: stateWrites(r),
		Notes:       strings.Join(notes, "; "),
	}
}

// readCalls are the calls a no-change plan makes, without the state read
// (one GetParametersByPath or so, whatever the stack's size).
func readCalls(r runResult) int {
	n := r.stats.Calls
	for _, p := range r.stats.Phases {
		if p.Name == "state read" || p.Name == "load" {
			n -= p.Calls
		}
	}
	return n
}

func (b *bench) planNotes(n int, r runResult) []string {
	per := float64(readCalls(r)) / float64(n)
	notes := []string{fmt.Sprintf("observe %.2f reads/res (<= 1.2: %s)", per, verdict(per <= 1.2))}
	if lists := listingCalls(r); lists > 0 {
		notes = append(notes, fmt.Sprintf("%d of them batch or list (unmanaged)", lists))
	}
	if n >= 500 {
		notes = append(notes, fmt.Sprintf("< 2 s: %s", verdict(r.wall < 2*time.Second)))
	}
	if changed := r.changes - r.actions["no-op"]; changed != 0 {
		notes = append(notes, fmt.Sprintf("NOT A NO-OP: %d changes", changed))
	}
	return notes
}

// listingCalls are the calls that page through many resources at once:
// the kinds' batch reads and Engine.unmanaged's listing of what carries
// the stack's prefix (their cost follows the account, not the stack).
func listingCalls(r runResult) int {
	n := 0
	for op, c := range r.stats.ByOperation {
		_, name, _ := strings.Cut(op, ":")
		perResource := strings.HasPrefix(name, "ListTags") || name == "ListAttachedRolePolicies" || name == "ListVersionsByFunction"
		if !perResource && (strings.HasPrefix(name, "List") || strings.HasPrefix(name, "Describe") || name == "GetApis" || name == "GetParameters") {
			n += c
		}
	}
	return n
}

func memNotes(n int, r runResult) []string {
	if n < 500 {
		return nil
	}
	return []string{fmt.Sprintf("peak < 100 MB: %s", verdict(r.rssKB < 100*1024))}
}

// repoSpec applies the repository's stack from empty, then plans it again.
func (b *bench) repoSpec(ctx context.Context, t *table, specFile string) error {
	progress("spec.yaml...")
	if err := b.emu.Reset(ctx); err != nil {
		return err
	}
	dir := filepath.Join(b.tmp, "spec")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), data, 0o644); err != nil {
		return err
	}
	if err := b.applyAccount(ctx, dir, specFile); err != nil {
		return err
	}
	apply, err := b.run(ctx, dir)
	if err != nil {
		return err
	}
	n := apply.changes
	t.add(b.row("spec.yaml apply from empty", n, apply))
	plan, err := b.run(ctx, dir, "--dry-run")
	if err != nil {
		return err
	}
	t.add(b.row("spec.yaml no-change plan", n, plan, b.planNotes(n, plan)...))
	if err := b.startup(ctx, t, dir); err != nil {
		return err
	}
	return b.criticalPath(ctx, t, "spec.yaml", dir)
}

// generated applies, plans and destroys stacks of each size.
func (b *bench) generated(ctx context.Context, t *table, sizes []int) error {
	type trio struct{ apply, plan, destroy runResult }
	runs := map[int]trio{}
	for _, n := range sizes {
		progress("generated stack of %d resources...", n)
		if err := b.emu.Reset(ctx); err != nil {
			return err
		}
		dir := filepath.Join(b.tmp, fmt.Sprintf("gen%d", n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), stackgen.Spec(n), 0o644); err != nil {
			return err
		}
		var tr trio
		var err error
		if tr.apply, err = b.run(ctx, dir); err != nil {
			return err
		}
		t.add(b.row(fmt.Sprintf("gen %d apply from empty", n), n, tr.apply, memNotes(n, tr.apply)...))
		if tr.plan, err = b.run(ctx, dir, "--dry-run"); err != nil {
			return err
		}
		t.add(b.row(fmt.Sprintf("gen %d no-change plan", n), n, tr.plan, append(b.planNotes(n, tr.plan), memNotes(n, tr.plan)...)...))
		if tr.destroy, err = b.run(ctx, dir, "--destroy"); err != nil {
			return err
		}
		t.add(b.row(fmt.Sprintf("gen %d destroy", n), n, tr.destroy, memNotes(n, tr.destroy)...))
		if err := b.criticalPath(ctx, t, fmt.Sprintf("gen %d", n), dir); err != nil {
			return err
		}
		runs[n] = tr
	}
	if len(sizes) < 2 {
		return nil
	}
	lo, hi := sizes[0], sizes[len(sizes)-1]
	want := float64(hi) / float64(lo)
	for _, op := range []string{"apply", "plan", "destroy"} {
		get := func(tr trio) runResult {
			switch op {
			case "apply":
				return tr.apply
			case "plan":
				return tr.plan
			}
			return tr.destroy
		}
		a, z := get(runs[lo]), get(runs[hi])
		t.add(row{
			Case:      fmt.Sprintf("scaling %s %d->%d", op, lo, hi),
			Resources: fmt.Sprintf("x%.0f", want),
			Wall:      fmt.Sprintf("x%.1f", z.wall.Seconds()/a.wall.Seconds()),
			Calls:     fmt.Sprintf("x%.1f", float64(z.stats.Calls)/float64(a.stats.Calls)),
			PeakRSS:   fmt.Sprintf("x%.1f", float64(z.rssKB)/float64(a.rssKB)),
			Notes:     fmt.Sprintf("linear is x%.0f", want),
		})
	}
	return nil
}

// firstCall reports the time from process start to the first AWS call
// over every run.
func (b *bench) firstCall(t *table) {
	if len(b.first) == 0 {
		return
	}
	lo, hi := b.first[0], b.first[0]
	for _, v := range b.first {
		lo, hi = min(lo, v), max(hi, v)
	}
	t.add(row{
		Case:  "process start -> first AWS call",
		Wall:  fmt.Sprintf("%.1f-%.1f ms", lo, hi),
		Notes: fmt.Sprintf("min-max of %d runs, from Go package init (exec and runtime start not included); < 50 ms: %s", len(b.first), verdict(hi < 50)),
	})
}

// applyAccount copies account.yaml from beside specFile into dir and
// applies it: spec.yaml reads the account stack's OIDC provider under
// data:, so the account stack comes first, as on a new AWS account.
func (b *bench) applyAccount(ctx context.Context, dir, specFile string) error {
	data, err := os.ReadFile(filepath.Join(filepath.Dir(specFile), "account.yaml"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "account.yaml"), data, 0o644); err != nil {
		return err
	}
	_, err = b.run(ctx, dir, "--spec", "account.yaml")
	return err
}
