package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		log.Warn("configuration", "error", err.Error())
	}

	// LoadDefaultConfig reads the environment only (AWS_ENDPOINT_URL
	// included); nothing is fetched until the first GetParameter.
	var params ParameterAPI
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		// Keep serving: every invocation answers key_unreadable, which
		// says more to the caller than a function that fails to start.
		log.Error("cannot load AWS configuration", "error", err.Error())
		params = brokenParameterAPI{err: err}
	} else {
		params = ssm.NewFromConfig(awsCfg)
	}

	agent := &Agent{
		Keys: NewKeyLoader(params, cfg.ParameterName),
		Chat: Chat{Model: cfg.Model, BaseURL: cfg.BaseURL, Timeout: cfg.UpstreamTimeout},
		Log:  log,
	}
	lambda.Start(agent.Handle)
}

// brokenParameterAPI answers every read with the error that prevented
// building the SSM client.
type brokenParameterAPI struct{ err error }

func (b brokenParameterAPI) GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	return nil, b.err
}
