package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/deploy"
	"github.com/trip-assistant/stack/resources/lambdafn"
)

// deployCommand moves a function to a new image (package deploy does the
// work): it publishes a version from the image, moves the function's alias
// to it, smoke-tests the alias, and moves the alias back when the test
// fails.
type deployCommand struct {
	flags         stackFlags
	function      string
	image         string
	smokeURL      string
	smokeAttempts int
	smokeInterval time.Duration
	smokeTimeout  time.Duration
	dryRun        bool

	stdout io.Writer
	// Tests replace these: the Lambda client, the smoke test's HTTP
	// client, and the bounds of the Lambda retries and waits.
	newAPI     func(aws.Config) deploy.API
	httpClient *http.Client
	lambdaOpts []lambdafn.Option
}

func (c *deployCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reconcile deploy", flag.ContinueOnError)
	c.flags.register(fs)
	fs.StringVar(&c.function, "function", "", "the lambda.function resource of the spec to deploy (its logical name, e.g. api)")
	fs.StringVar(&c.image, "image", "", "the container image URI to deploy")
	fs.StringVar(&c.smokeURL, "smoke-url", "", "after moving the alias, GET this URL and require a 2xx answer (default: invoke the alias with {} and require no function error)")
	fs.IntVar(&c.smokeAttempts, "smoke-attempts", 3, "smoke test attempts before the deploy counts as failed")
	fs.DurationVar(&c.smokeInterval, "smoke-interval", 10*time.Second, "pause between two smoke test attempts")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what the deploy would do and change nothing (takes no lock)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: reconcile deploy --spec FILE --function NAME --image URI [--smoke-url URL] [--dry-run]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(1)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.function == "":
		return errors.New("--function is required: the logical name of the lambda.function to deploy")
	case c.image == "":
		return errors.New("--image is required: the container image URI to deploy")
	case c.smokeAttempts < 1:
		return fmt.Errorf("--smoke-attempts must be at least 1, got %d", c.smokeAttempts)
	}
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	if c.newAPI == nil {
		c.newAPI = func(cfg aws.Config) deploy.API { return lambda.NewFromConfig(cfg) }
	}
	return c.deploy(ctx, st, c.newAPI(st.cfg))
}

// deploy wires the loaded stack and api into a deploy and runs it.
func (c *deployCommand) deploy(ctx context.Context, st *stack, api deploy.API) error {
	d := &deploy.Deployer{
		Spec:   st.spec,
		Store:  st.store,
		Lambda: api,
		Lock: func(ctx context.Context) (func(), error) {
			_, release, err := st.acquire(ctx, "deploy", c.flags.spec, os.Stderr)
			return release, err
		},
		Smoke:         deploy.Smoke{URL: c.smokeURL, Attempts: c.smokeAttempts, Interval: c.smokeInterval, Timeout: c.smokeTimeout},
		DryRun:        c.dryRun,
		SpecFile:      c.flags.spec,
		Out:           c.stdout,
		HTTPClient:    c.httpClient,
		LambdaOptions: c.lambdaOpts,
	}
	return d.Run(ctx, c.function, c.image)
}
