//go:build integration

package integration

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/chaos"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// takeoverLease is the --lock-lease of these tests: short, so a killed
// run's lock expires soon, and long enough for a renewal to get through a
// busy emulator on a shared machine.
const takeoverLease = "5s"

var runIDLine = regexp.MustCompile(`Lock acquired \(run ([0-9a-f]+)`)

// killApplyHoldingTheLock starts an apply of dir's spec with the short
// lease, kills it (SIGKILL) once it has created a few resources and
// returns its run id: its lock stays behind, unreleased.
func killApplyHoldingTheLock(t *testing.T, dir string) string {
	t.Helper()
	cmd, sc, _ := startApply(t, dir, "--lock-lease", takeoverLease, "--parallelism", "2")
	lines := waitForLines(t, sc, regexp.MustCompile(`✓ .* created`), 5)
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	m := runIDLine.FindStringSubmatch(strings.Join(lines, "\n"))
	if m == nil {
		t.Fatalf("no run id in:\n%s", strings.Join(lines, "\n"))
	}
	return m[1]
}

// Runs started at once for a killed run's expired lock, through the CLI:
// exactly one takes it over, every other is refused naming that one, and
// the lock's parameters, watched on the emulator during the race, never
// show two holders.
func TestRunsRacingForAnExpiredLockOneWins(t *testing.T) {
	const n, racers = 20, 4
	dir := workdir(t, manySpec(n))
	killed := killApplyHoldingTheLock(t, dir)
	held, err := ssmstate.New(awsConfig(t, "us-east-2"), "many", "dev").ReadLock(context.Background())
	must(t, err)
	if held == nil || held.ID != killed {
		t.Fatalf("the lock after the kill = %+v, want the killed run %s", held, killed)
	}
	time.Sleep(time.Until(held.Expires) + 200*time.Millisecond)

	watch := chaos.NewLockWatch(awsConfig(t, "us-east-2"), ssmstate.Prefix("many", "dev"))
	ctx, stop := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() { defer close(watched); watch.Watch(ctx, 50*time.Millisecond) }()

	results := make([]result, racers)
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Go(func() {
			<-start
			// --parallelism 1: the winner's run outlasts every loser's try.
			results[i], errs[i] = runCLI(dir, "--lock-lease", takeoverLease, "--spec", "spec.yaml", "--parallelism", "1")
		})
	}
	close(start)
	wg.Wait()
	stop()
	<-watched
	watch.Poll(context.Background())

	winner := -1
	for i, r := range results {
		must(t, errs[i])
		if r.Code == 0 {
			if winner >= 0 {
				t.Fatalf("racers %d and %d both got the lock:\n%s\n%s", winner, i, results[winner], r)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no racer got the lock: %v", results)
	}
	if !strings.Contains(results[winner].Stderr, "Took over the lock of run "+killed) {
		t.Errorf("the winner does not say it took over the killed run's lock: %s", results[winner])
	}
	id := runIDLine.FindStringSubmatch(results[winner].Stderr)
	if id == nil {
		t.Fatalf("no run id in the winner's output: %s", results[winner])
	}
	for i, r := range results {
		if i != winner && (r.Code != 1 || !strings.Contains(r.Stderr, "is locked by run "+id[1])) {
			t.Errorf("racer %d must be refused naming the winner %s: %s", i, id[1], r)
		}
	}
	f := watch.Figures()
	if f.DoubleHolders != 0 || f.Takeovers != 1 || f.Polls == 0 {
		t.Errorf("the lock's parameters during the race: %d double holders, %d takeovers seen in %d polls, want 0 and 1: %v",
			f.DoubleHolders, f.Takeovers, f.Polls, f.Details)
	}
	checkLockReleased(t)
	if diff := cmp.Diff(wantNames(n), liveNames(t)); diff != "" {
		t.Errorf("resources after the race (-want +got):\n%s", diff)
	}
}

// runCLI runs the CLI in dir; it is safe to call from any goroutine.
func runCLI(dir string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = cliEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{Stdout: out.String(), Stderr: errb.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.Code, err = exit.ExitCode(), nil
	}
	return r, err
}
