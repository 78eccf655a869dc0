package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/trip-assistant/stack/internal/localup"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run() error {
	var o localup.Options
	fs := flag.NewFlagSet("localup", flag.ExitOnError)
	fs.StringVar(&o.Spec, "spec", "spec.yaml", "the stack's spec file")
	fs.StringVar(&o.Env, "env", "local", "the spec's environment to run")
	fs.BoolVar(&o.FakeModel, "fake-model", os.Getenv("LOCALUP_FAKE_MODEL") == "1",
		"answer messages with an in-process fake model (also LOCALUP_FAKE_MODEL=1)")
	_ = fs.Parse(os.Args[1:])
	o.OpenAIBaseURL = os.Getenv("OPENAI_BASE_URL")
	o.OpenAIKey = os.Getenv("OPENAI_API_KEY")
	o.OpenAIModel = os.Getenv("OPENAI_MODEL")
	o.Log = os.Stderr

	spec, err := localup.LoadSpec(o.Spec, o.Env)
	if err != nil {
		return err
	}
	if !localup.EnvReady(spec.Region) {
		env, err := localup.EmulatorEnv(spec.Region)
		if err != nil {
			return err
		}
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("cannot find this program to start it again: %w", err)
		}
		return syscall.Exec(self, os.Args, env)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sys, err := localup.Start(ctx, o)
	if err != nil {
		return err
	}
	fmt.Printf(`
The stack is up (environment %s, kumo at %s).
  API:       %s
  Messages:  answered by %s
Try:
  curl %sapi/health
  curl -X POST %sapi/messages -H 'content-type: application/json' -d '{"message":"Two days in Lisbon?"}'
Ctrl-C stops everything.
`, o.Env, sys.Endpoint, sys.URL, sys.Model, sys.URL, sys.URL)

	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "\nStopping the handlers and the emulator...")
	case err := <-sys.Exited():
		_ = sys.Stop()
		return err
	}
	return sys.Stop()
}
