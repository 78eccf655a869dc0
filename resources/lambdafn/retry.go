package lambdafn

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Right after an execution role is created or changed, Lambda refuses it
// for some seconds (terraform-provider-aws#29828), and while a function
// update is in progress it refuses the next change. Both mean "wait", yet
// the SDK's standard retryer retries neither. Lambda gives no typed
// distinction: the role case is an InvalidParameterValueException like a
// real mistake (a malformed ARN, a bad memory size), and the in-progress
// case a ResourceConflictException like "function already exists". Only the
// message tells them apart, so the match is on the message, and as narrow
// as the known wordings.
var rolePropagationMessages = []string{
	"cannot be assumed by lambda",
	"execution role does not have permissions",
	"is not authorized to perform",
}

// isRolePropagation reports whether err is Lambda refusing a role that IAM
// has not finished propagating.
func isRolePropagation(err error) bool {
	var e *types.InvalidParameterValueException
	if !errors.As(err, &e) {
		return false
	}
	msg := strings.ToLower(e.ErrorMessage())
	for _, m := range rolePropagationMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// isUpdateInProgress reports whether err is Lambda refusing a change while
// the previous one is still being applied.
func isUpdateInProgress(err error) bool {
	var e *types.ResourceConflictException
	return errors.As(err, &e) && strings.Contains(strings.ToLower(e.ErrorMessage()), "in progress")
}

func isWaitError(err error) bool { return isRolePropagation(err) || isUpdateInProgress(err) }

// waitRetry returns a per-operation option that installs waitRetryer on top
// of the client's retryer. The bound starts when the operation starts.
func (k *Kind) waitRetry() func(*lambda.Options) {
	return func(o *lambda.Options) {
		o.Retryer = &waitRetryer{
			base:       toV2(o.Retryer),
			deadline:   time.Now().Add(k.retryFor),
			maxBackoff: k.maxBackoff,
		}
	}
}

// waitRetryer retries propagation and in-progress errors until a deadline,
// and everything else as the client's retryer would. It sets no attempt
// limit of its own: the deadline is the limit, also for throttling retries
// made while it runs. Propagation retries take no token from the client's
// retry quota: they say nothing about the service's health, and draining
// the quota would fail unrelated calls.
type waitRetryer struct {
	base       aws.RetryerV2
	deadline   time.Time
	maxBackoff time.Duration
}

func (r *waitRetryer) IsErrorRetryable(err error) bool {
	if time.Now().After(r.deadline) {
		return false
	}
	return isWaitError(err) || r.base.IsErrorRetryable(err)
}

// MaxAttempts is 0: no limit on attempts, the deadline ends the retries.
func (r *waitRetryer) MaxAttempts() int { return 0 }

func (r *waitRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if !isWaitError(err) {
		return r.base.RetryDelay(attempt, err)
	}
	// Exponential from half a second, capped, with jitter, and never past
	// the deadline.
	d := min(r.maxBackoff, 500*time.Millisecond<<min(attempt-1, 10))
	d = d/2 + rand.N(d/2+1)
	if left := time.Until(r.deadline); d > left {
		d = max(left, 0)
	}
	return d, nil
}

func (r *waitRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	if isWaitError(opErr) {
		return func(error) error { return nil }, nil
	}
	return r.base.GetRetryToken(ctx, opErr)
}

func (r *waitRetryer) GetInitialToken() func(error) error { return r.base.GetInitialToken() }

func (r *waitRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	return r.base.GetAttemptToken(ctx)
}

// toV2 adapts a client retryer; a client built without one (tests) gets
// the SDK's standard retryer.
func toV2(r aws.Retryer) aws.RetryerV2 {
	if r == nil {
		return retry.NewStandard()
	}
	if v2, ok := r.(aws.RetryerV2); ok {
		return v2
	}
	return retryerV2{r}
}

type retryerV2 struct{ aws.Retryer }

func (r retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}
