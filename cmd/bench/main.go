package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	sizes := flag.String("sizes", "50,200,500", "generated stack sizes, comma-separated (\"\" for none)")
	skipGo := flag.Bool("skip-go-bench", false, "do not run the Go benchmarks")
	skipLambdas := flag.Bool("skip-lambdas", false, "do not build and time the Lambda binaries")
	flag.Parse()
	var ns []int
	for _, s := range strings.FieldsFunc(*sizes, func(r rune) bool { return r == ',' }) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: bad size %q\n", s)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, ns, !*skipGo, !*skipLambdas); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizes []int, goBench, lambdas bool) error {
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
