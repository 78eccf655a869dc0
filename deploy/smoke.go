package deploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Smoke is how a deploy checks the alias serves after moving it.
type Smoke struct {
	// URL, when set, is requested with GET and must answer 2xx; without
	// it the alias is invoked with {} and must run without a function
	// error.
	URL string
	// Attempts of the URL before the deploy counts as failed (at least 1),
	// Interval apart; each request lasts at most Timeout (default 10s).
	Attempts int
	Interval time.Duration
	Timeout  time.Duration
}

func (d *deployment) smokeTarget() string {
	if d.Smoke.URL != "" {
		return fmt.Sprintf("GET %s, a 2xx answer required (%d attempts, %s apart)", d.Smoke.URL, d.Smoke.Attempts, d.Smoke.Interval)
	}
	return fmt.Sprintf("invoke %s:%s with {}, no function error required (the answer itself is not checked)", d.name, d.alias)
}

// smoke checks the alias serves: by the smoke URL when one is given, else
// by invoking the alias.
func (d *deployment) smoke(ctx context.Context) error {
	if d.Smoke.URL == "" {
		return d.smokeInvoke(ctx)
	}
	var last error
	for attempt := 1; attempt <= d.Smoke.Attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("smoke test GET %s interrupted: %w (last attempt: %v)", d.Smoke.URL, ctx.Err(), last)
			case <-time.After(d.Smoke.Interval):
			}
		}
		status, err := d.get(ctx)
		if err == nil {
			fmt.Fprintf(d.out, "Smoke test GET %s: %s\n", d.Smoke.URL, status)
			return nil
		}
		last = err
		fmt.Fprintf(d.out, "Smoke test GET %s: attempt %d of %d: %v\n", d.Smoke.URL, attempt, d.Smoke.Attempts, err)
	}
	return fmt.Errorf("smoke test GET %s failed %d times, last: %w", d.Smoke.URL, d.Smoke.Attempts, last)
}

// get makes one smoke request and returns the status when it is 2xx.
func (d *deployment) get(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.Smoke.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.Smoke.URL, nil)
	if err != nil {
		return "", err
	}
	resp, err := d.httpClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("answered %s", resp.Status)
	}
	return resp.Status, nil
}

func (d *deployment) smokeInvoke(ctx context.Context) error {
	what := fmt.Sprintf("smoke test: invoke %s:%s with {}", d.name, d.alias)
	out, err := d.Lambda.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(d.name),
		Qualifier:    aws.String(d.alias),
		Payload:      []byte("{}"),
	})
	if err != nil {
		fmt.Fprintf(d.out, "Smoke test invoke %s:%s with {}: failed\n", d.name, d.alias)
		return fmt.Errorf("%s: %w", what, err)
	}
	if out.FunctionError != nil {
		fmt.Fprintf(d.out, "Smoke test invoke %s:%s with {}: function error %s\n", d.name, d.alias, aws.ToString(out.FunctionError))
		return fmt.Errorf("%s: function error %s: %s", what, aws.ToString(out.FunctionError), excerpt(out.Payload))
	}
	fmt.Fprintf(d.out, "Smoke test invoke %s:%s with {}: ran without a function error (its answer is not checked)\n", d.name, d.alias)
	return nil
}

func excerpt(b []byte) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
