package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
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
	defer stop()
	err := run(ctx, os.Args[1:])
	var code exitCode
	var specErrs spec.Errors
	switch {
	case err == nil:
	case errors.As(err, &code):
		os.Exit(int(code))
	case errors.As(err, &specErrs):
		fmt.Fprintln(os.Stderr, specErrs.Error())
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "unlock":
			return (&unlockCommand{}).Run(ctx, args[1:])
		case "deploy":
			return (&deployCommand{}).Run(ctx, args[1:])
		case "outputs":
			return (&outputsCommand{}).Run(ctx, args[1:])
		case "state":
			return (&stateCommand{}).Run(ctx, args[1:])
		case "version", "--version":
			fmt.Println("reconcile", Version)
			return nil
		}
	}
	return (&planCommand{}).Run(ctx, args)
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
