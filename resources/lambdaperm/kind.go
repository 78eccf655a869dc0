package lambdaperm

import (
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/lambdapolicy"
)

// Kind reconciles lambda.permission resources.
type Kind struct {
	api API

	// AWS loses some permission changes that reach one function's policy
	// in parallel (terraform-provider-aws serialises them for that
	// reason): changes to one function take turns, others run freely.
	mu    sync.Mutex
	locks map[string]*sync.Mutex

	// policies reads the policies the statements live in, once a plan for
	// observation (shared with lambda.function and lambda.alias through
	// WithPolicies).
	policies *lambdapolicy.Reader
}

var (
	_ reconcile.Kind       = (*Kind)(nil)
	_ reconcile.PlanScoped = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithPolicies makes the kind read policies through r, which the run's
// other Lambda kinds share: a permission on a function or alias those
// kinds observe costs no GetPolicy of its own in a plan. Without it the
// kind has a reader of its own.
func WithPolicies(r *lambdapolicy.Reader) Option { return func(k *Kind) { k.policies = r } }

// New returns the kind using a Lambda client built from cfg.
func New(cfg aws.Config, opts ...Option) *Kind {
	return NewWithAPI(lambda.NewFromConfig(cfg), opts...)
}

// NewWithAPI returns the kind calling api.
func NewWithAPI(api API, opts ...Option) *Kind {
	k := &Kind{api: api, locks: map[string]*sync.Mutex{}, policies: lambdapolicy.NewWithAPI(api)}
	for _, o := range opts {
		o(k)
	}
	return k
}

// BeginPlan implements reconcile.PlanScoped: the plan starting now reads
// each policy again.
func (k *Kind) BeginPlan() { k.policies.BeginPlan() }

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return "lambda.permission" }

// Attributes implements reconcile.Kind.
func (k *Kind) Attributes() []string { return []string{"statement_id"} }

// lockFunction waits for the turn to change function's policy and returns
// the function that ends it.
func (k *Kind) lockFunction(function string) (unlock func()) {
	k.mu.Lock()
	l, ok := k.locks[function]
	if !ok {
		l = &sync.Mutex{}
		k.locks[function] = l
	}
	k.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// key names one statement. Function names, qualifiers and statement ids
// cannot hold a colon, so the ID splits back unambiguously; the qualifier
// may be empty ("fn::sid").
type key struct{ function, qualifier, sid string }

func (k key) id() string { return k.function + ":" + k.qualifier + ":" + k.sid }

// target names the policy the statement lives in: "fn" or "fn:live".
func (k key) target() string {
	if k.qualifier == "" {
		return k.function
	}
	return k.function + ":" + k.qualifier
}

func parseID(s string) (key, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return key{}, fmt.Errorf("invalid lambda permission id %q: want function:qualifier:statement_id", s)
	}
	return key{parts[0], parts[1], parts[2]}, nil
}

func keyOf(p spec.Props) key {
	return key{p.String("function_name"), p.String("qualifier"), p.String("statement_id")}
}

func qualifier(q string) *string {
	if q == "" {
		return nil
	}
	return aws.String(q)
}

// AttachmentKey implements reconcile.Attachment: a permission is a
// statement of its function's or alias's policy, named by its id.
func (k *Kind) AttachmentKey(id string, desired spec.Props) (string, bool) {
	if key, err := parseID(id); err == nil {
		return key.sid, true
	}
	sid, ok := desired["statement_id"].(string)
	return sid, ok && sid != ""
}
