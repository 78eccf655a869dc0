package main

import (
	"context"
	"errors"
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

func (c *deployCommand) validate() error {
	switch {
	case c.function == "":
		return errors.New("--function is required: the logical name of the lambda.function to deploy")
	case c.image == "":
		return errors.New("--image is required: the container image URI to deploy")
	case c.smokeAttempts < 1:
		return fmt.Errorf("--smoke-attempts must be at least 1, got %d", c.smokeAttempts)
	}
	return nil
}

func (c *deployCommand) Run(ctx context.Context) error {
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
