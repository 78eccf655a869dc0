package lambdaalias

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/lambdapolicy"
)

// Kind reconciles lambda.alias resources.
type Kind struct {
	api API
	// policies reads the aliases' policies, once a plan for observation
	// (shared with lambda.function and lambda.permission through
	// WithPolicies).
	policies *lambdapolicy.Reader
}

var (
	_ reconcile.Kind       = (*Kind)(nil)
	_ reconcile.PlanScoped = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithPolicies makes the kind read the aliases' policies through r, which
// the run's other Lambda kinds share: an observation reads each policy
// once a plan. Without it the kind has a reader of its own.
func WithPolicies(r *lambdapolicy.Reader) Option { return func(k *Kind) { k.policies = r } }

// New returns the kind using a Lambda client built from cfg.
func New(cfg aws.Config, opts ...Option) *Kind {
	return NewWithAPI(lambda.NewFromConfig(cfg), opts...)
}

// NewWithAPI returns the kind calling api.
func NewWithAPI(api API, opts ...Option) *Kind {
	k := &Kind{api: api, policies: lambdapolicy.NewWithAPI(api)}
	for _, o := range opts {
		o(k)
	}
	return k
}

// BeginPlan implements reconcile.PlanScoped: the plan starting now reads
// each alias's policy again.
func (k *Kind) BeginPlan() { k.policies.BeginPlan() }

// Type is the type name of the kind in a spec.
const Type = "lambda.alias"

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return Type }

// Attributes implements reconcile.Kind.
func (k *Kind) Attributes() []string { return []string{"arn", "name", "function_version"} }

// id joins the function and alias names; neither may hold a colon.
func id(function, alias string) string { return function + ":" + alias }

// ParseID splits the id the kind records in the state into the names of
// the function and the alias.
func ParseID(s string) (function, alias string, err error) {
	function, alias, ok := strings.Cut(s, ":")
	if !ok || function == "" || alias == "" {
		return "", "", fmt.Errorf("invalid lambda alias id %q: want function:alias", s)
	}
	return function, alias, nil
}
