package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	sizes := flag.String("sizes", "50,200,500", "generated stack sizes, comma-separated (\"\" for none)")
	busy := flag.String("busy", "0,1000,5000", "another team's resources in the account for the busy-account plans, ascending, comma-separated (\"\" for none)")
	skipGo := flag.Bool("skip-go-bench", false, "do not run the Go benchmarks")
	skipLambdas := flag.Bool("skip-lambdas", false, "do not build and time the Lambda binaries")
	flag.Parse()
	ns, err := ints(*sizes, 1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -sizes:", err)
		os.Exit(2)
	}
	levels, err := ints(*busy, 0)
	if err != nil || !sort.IntsAreSorted(levels) {
		fmt.Fprintf(os.Stderr, "bench: -busy takes ascending counts, got %q\n", *busy)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, ns, levels, !*skipGo, !*skipLambdas); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// ints parses a comma-separated list of integers of at least least.
func ints(s string, least int) ([]int, error) {
	var ns []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < least {
			return nil, fmt.Errorf("bad count %q", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func run(ctx context.Context, sizes, busy []int, goBench, lambdas bool) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "reconcile-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	t := &table{}
	cli, err := buildCLI(ctx, root, filepath.Join(tmp, "reconcile"))
	if err != nil {
		return err
	}
	b, err := startBench(ctx, cli, tmp)
	if err != nil {
		return err
	}
	defer b.stop()
	if err := b.repoSpec(ctx, t, filepath.Join(root, "spec.yaml")); err != nil {
		return err
	}
	if err := b.generated(ctx, t, sizes); err != nil {
		return err
	}
	if err := b.busy(ctx, t, filepath.Join(root, "spec.yaml"), sizes, busy); err != nil {
		return err
	}
	b.firstCall(t)
	if lambdas {
		if err := lambdaRows(ctx, t, root, tmp); err != nil {
			return err
		}
	}
	if goBench {
		if err := goBenchRows(ctx, t, root); err != nil {
			return err
		}
	}
	t.print(os.Stdout)
	return nil
}
