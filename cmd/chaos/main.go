// Command chaos runs the killed-runs harness (internal/testinfra/chaos) on moto and
// prints its figures: `make chaos`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/trip-assistant/stack/internal/testinfra/chaos"
	"github.com/trip-assistant/stack/internal/testinfra/emulator"
	"github.com/trip-assistant/stack/internal/testinfra/faultproxy"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

func run() error {
	runs := flag.Int("runs", 100, "runs of reconcile to kill")
	seed := flag.Uint64("seed", 1, "seed of the kill moments, operations and faults")
	rates := flag.String("faults", "throttle=0.02,5xx=0.02,close-before=0.02,lost-answer=0.05,close-after=0.03", "fault rates by kind")
	maxDelay := flag.Duration("max-kill-delay", 4*time.Second, "latest moment of a kill after the run starts")
	lease := flag.Duration("lock-lease", 6*time.Second, "every run's --lock-lease: how long a killed run's lock holds before the next run takes it over")
	racers := flag.Int("racers", 3, "runs started at once for a killed run's lock in racing rounds")
	raceEvery := flag.Int("race-every", 4, "every Nth kill is followed by a racing round (0: none)")
	bin := flag.String("reconcile", "bin/reconcile", "the reconcile binary")
	specFile := flag.String("spec", "spec.yaml", "the spec to apply")
	accountFile := flag.String("account", "account.yaml", "the account stack the spec reads under data:, applied once first (\"\" for none)")
	verbose := flag.Bool("v", false, "log every step")
	flag.Parse()
	r, err := faultproxy.ParseRates(*rates)
	if err != nil {
		return err
	}
	binary, err := filepath.Abs(*bin) // runs start in a directory of their own
	if err != nil {
		return err
	}
	var account []byte
	if *accountFile != "" {
		if account, err = os.ReadFile(*accountFile); err != nil {
			return err
		}
	}
	spec, err := os.ReadFile(*specFile)
	if err != nil {
		return err
	}
	os.Unsetenv("AWS_CA_BUNDLE")
	os.Unsetenv("AWS_ENDPOINT_URL") // the harness starts its own emulator
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	emu, err := emulator.Start(ctx)
	if err != nil {
		return err
	}
	defer emu.Stop()
	c := chaos.Config{Binary: binary, Spec: string(spec), Account: string(account), Endpoint: emu.Endpoint, Runs: *runs, Seed: *seed, Rates: r,
		MaxKillDelay: *maxDelay, LockLease: *lease, Racers: *racers, RaceEvery: *raceEvery, Project: "trip-assistant", Environment: "dev", Region: "us-east-2"}
	if *verbose {
		c.Log = os.Stderr
	}
	start := time.Now()
	rep, err := chaos.Run(ctx, c)
	if err != nil {
		return err
	}
	fmt.Printf("chaos: %d runs killed at random moments, seed %d, faults %s, lock lease %s, in %s\n\n", *runs, *seed, *rates, *lease, time.Since(start).Round(time.Second))
	ok := rep.Print(os.Stdout, *runs)
	for _, p := range rep.Problems {
		fmt.Println("  -", p)
	}
	if !ok {
		return fmt.Errorf("goals missed")
	}
	return nil
}
