package ssmparam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Kind reconciles ssm.parameter resources.
type Kind struct {
	api API
	// tagIndex, when set, spares the ListTagsForResource of a parameter
	// whose tags it confirms equal to the desired ones.
	tagIndex TagIndex
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithTagIndex makes observations take tags the index confirms instead of
// reading each parameter's tags.
func WithTagIndex(x TagIndex) Option { return func(k *Kind) { k.tagIndex = x } }

// New returns the kind talking to SSM with cfg.
func New(cfg aws.Config, opts ...Option) *Kind { return NewWithAPI(ssm.NewFromConfig(cfg), opts...) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API, opts ...Option) *Kind { return kindkit.Build(&Kind{api: api}, opts) }

var _ reconcile.PlanScoped = (*Kind)(nil)

// BeginPlan drops the tag index's listing, so the plan confirms tags from
// its own.
func (k *Kind) BeginPlan() { kindkit.ResetIndex(k.tagIndex) }
