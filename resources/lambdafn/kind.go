package lambdafn

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
	"github.com/trip-assistant/stack/resources/internal/lambdapolicy"
)

// Kind reconciles lambda.function resources.
type Kind struct {
	api API
	// retryFor bounds the retries of calls that fail while IAM propagates a
	// role change; maxBackoff caps the wait between two of them.
	retryFor   time.Duration
	maxBackoff time.Duration
	// waitFor bounds each wait for the function to settle (active, updated,
	// version published).
	waitFor time.Duration

	// plan is what the current plan listed, shared by ObserveBatch and
	// List; BeginPlan drops it, and before the first plan there is none.
	plan kindkit.PlanListing[planListing]
	// tagIndex, when set, names the owners of the functions ListStacks
	// lists without a GetFunction each.
	tagIndex TagIndex
	// policies reads the resource policies, once a plan for observation
	// (shared with lambda.alias and lambda.permission through
	// WithPolicies).
	policies *lambdapolicy.Reader
}

// TagIndex names the stack a resource's ownership tag names, from one
// listing shared by the run's kinds (tagindex.Index).
type TagIndex interface {
	Owner(ctx context.Context, arn string) (stack string, ok bool)
}

// WithTagIndex makes ListStacks take owners from x.
func WithTagIndex(x TagIndex) Option { return func(k *Kind) { k.tagIndex = x } }

// WithPolicies makes the kind read resource policies through r, which the
// run's other Lambda kinds share: an observation reads each policy once a
// plan. Without it the kind has a reader of its own.
func WithPolicies(r *lambdapolicy.Reader) Option { return func(k *Kind) { k.policies = r } }

var (
	_ reconcile.Kind        = (*Kind)(nil)
	_ reconcile.Lister      = (*Kind)(nil)
	_ reconcile.StackLister = (*Kind)(nil)
)

// Option adjusts a Kind, mostly for tests that cannot wait minutes.
type Option func(*Kind)

// WithRoleRetry sets how long calls failing while a role propagates are
// retried, and the longest pause between two attempts.
func WithRoleRetry(bound, maxBackoff time.Duration) Option {
	return func(k *Kind) { k.retryFor, k.maxBackoff = bound, maxBackoff }
}

// WithWaitTimeout sets how long each wait for the function to settle lasts
// at most.
func WithWaitTimeout(d time.Duration) Option {
	return func(k *Kind) { k.waitFor = d }
}

// New returns the kind using a Lambda client built from cfg.
func New(cfg aws.Config, opts ...Option) *Kind {
	return NewWithAPI(lambda.NewFromConfig(cfg), opts...)
}

// NewWithAPI returns the kind calling api.
func NewWithAPI(api API, opts ...Option) *Kind {
	k := &Kind{
		api: api,
		// terraform-provider-aws retries for up to 15 minutes; propagation
		// takes seconds in practice, and a run stuck for 15 minutes on a
		// role that really is wrong helps nobody.
		retryFor:   2 * time.Minute,
		maxBackoff: 10 * time.Second,
		waitFor:    5 * time.Minute,
		policies:   lambdapolicy.NewWithAPI(api),
	}
	for _, o := range opts {
		o(k)
	}
	return k
}

// Type is the type name of the kind in a spec.
const Type = "lambda.function"

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return Type }

// Attributes implements reconcile.Kind.
func (k *Kind) Attributes() []string { return []string{"arn", "name", "version"} }

// AttrsChangedByUpdate tells the engine that an update publishes a new
// version, so an alias pointing at ${fn.version} follows it in the same run.
func (k *Kind) AttrsChangedByUpdate() []string { return []string{"version"} }
