package awsclient

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Options select where the clients point.
type Options struct {
	Region   string
	Profile  string
	Endpoint string // "" uses AWS_ENDPOINT_URL or the real AWS endpoints
	// Stats, when set, counts every call made by clients of the config.
	Stats *Stats
}

// Load returns the shared configuration.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = os.Getenv("AWS_ENDPOINT_URL")
	}
	opts := []func(*config.LoadOptions) error{
		// Control-plane APIs (IAM, Lambda, SSM, API Gateway) throttle at a
		// few requests per second per account; a parallel apply hits that
		// on purpose. The standard retryer backs off with jitter; we give it
		// more attempts than its default 3 so a burst does not fail a run,
		// and cap the backoff so a run never stalls for long.
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = 8
				so.MaxBackoff = 10 * time.Second
			})
		}),
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(endpoint))
		if os.Getenv("AWS_ACCESS_KEY_ID") == "" && o.Profile == "" {
			opts = append(opts, config.WithCredentialsProvider(
				credentials.NewStaticCredentialsProvider("test", "test", "")))
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("cannot load AWS configuration: %w", err)
	}
	if o.Stats != nil {
		cfg.APIOptions = append(cfg.APIOptions, o.Stats.middleware)
	}
	return cfg, nil
}
