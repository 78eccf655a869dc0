package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// exitCode makes a command end with a chosen code and no error text.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func main() {
	// A closed output (`reconcile | head`) is not a request to stop: by
	// default Go dies of SIGPIPE on the first write to it, which would end
	// an apply halfway with the lock held. Ignored, the write fails, the
	// output is lost, and the run finishes and releases the lock. SIGINT
	// and SIGTERM stop a run.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signalContext()
	code := report(os.Stderr, run(ctx, os.Args[1:]))
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) error {
	root := newRoot(ctx, func(ctx context.Context, r runner) error { return r.Run(ctx) })
	root.SetArgs(longDashes(root, args))
	return root.ExecuteContext(ctx)
}

// report prints err for a person, its last line ended by a newline, and
// returns the exit code.
func report(stderr io.Writer, err error) int {
	var code exitCode
	var specErrs spec.Errors
	var msg string
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.As(err, &specErrs):
		msg = specErrs.Error()
	default:
		msg = "Error: " + err.Error()
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	fmt.Fprint(stderr, msg)
	return 1
}

// signalContext is cancelled by the first SIGINT or SIGTERM: no new
// operation starts, those in flight finish and are recorded, and the lock
// is released. A second signal exits at once.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
		fmt.Fprintln(os.Stderr, "\nInterrupted: finishing the operations in flight, recording them and releasing the lock. Interrupt again to exit at once.")
		cancel()
		<-ch
		fmt.Fprintln(os.Stderr, "Exiting without waiting: the lock may be left held; see `reconcile unlock`.")
		os.Exit(130)
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}
