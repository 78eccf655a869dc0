package ecrrepo

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Kind reconciles ecr.repository resources.
type Kind struct {
	api API
	// tagIndex, when set, spares the ListTagsForResource of a repository
	// whose tags it confirms equal to the desired ones. The Tagging API
	// lists ecr:repository on AWS; moto 5.2.5 does not, so there every
	// repository falls back to its own read.
	tagIndex TagIndex

	// plan holds the plan's listing of the registry. Only once BeginPlan
	// was called may ObserveBatch and List share one, so a Kind used
	// outside the engine's plans always reads ECR.
	plan kindkit.PlanListing[planListed]
}

// planListed is the plan's listing of the registry; mu is held while
// listing, so concurrent readers share one.
type planListed struct {
	mu sync.Mutex
	// listed is nil until the plan's first ObserveBatch or List takes it.
	listed *listing
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
	_ reconcile.Lister        = (*Kind)(nil)
	_ reconcile.StackLister   = (*Kind)(nil)
	_ reconcile.PlanScoped    = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithTagIndex makes observations take tags the index confirms instead of
// reading each repository's tags.
func WithTagIndex(x TagIndex) Option { return func(k *Kind) { k.tagIndex = x } }

// New returns the kind talking to ECR with cfg.
func New(cfg aws.Config, opts ...Option) *Kind { return NewWithAPI(ecr.NewFromConfig(cfg), opts...) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API, opts ...Option) *Kind { return kindkit.Build(&Kind{api: api}, opts) }
