package retrysafe

import (
	"context"
	"fmt"

	"github.com/aws/smithy-go/middleware"
)

// Lookup finds what an earlier attempt of a create made, as the output the
// create operation would have answered; nil when nothing was made.
type Lookup[T any] func(ctx context.Context) (*T, error)

// Create returns the API option (for a client's Options.APIOptions) that
// guards one create call whose output type is T: the first attempt is sent
// as is; before every further attempt the SDK's retryer makes, lookup is
// asked, and what it finds is answered instead of sending the create again.
//
// An attempt that failed may still have been carried out (a connection
// closed after the work, a 5xx from a proxy that timed out): for an API
// without an idempotency token or a name AWS keeps unique, the retry would
// make a second resource.
func Create[T any](lookup Lookup[T]) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		// One guard per call: the SDK applies API options per invocation,
		// so its attempt count starts at zero for each call.
		return s.Finalize.Insert(&guard[T]{lookup: lookup}, "Retry", middleware.After)
	}
}

// guard runs once per attempt, inside the retry loop.
type guard[T any] struct {
	lookup   Lookup[T]
	attempts int
}

func (g *guard[T]) ID() string { return "RetrySafeCreate" }

func (g *guard[T]) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	g.attempts++
	if g.attempts > 1 {
		found, err := g.lookup(ctx)
		if err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("cannot look up what an earlier attempt made before retrying: %w", err)
		}
		if found != nil {
			return middleware.FinalizeOutput{Result: found}, middleware.Metadata{}, nil
		}
	}
	return next.HandleFinalize(ctx, in)
}
