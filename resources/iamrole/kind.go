package iamrole

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Kind reconciles IAM roles. A role's ID is its name.
type Kind struct {
	api API
	// index, when set, serves ObserveBatch and List from one plan's
	// account-wide listings instead of two reads per role and a listing of
	// its own.
	index Index
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.Lister        = (*Kind)(nil)
	_ reconcile.StackLister   = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
	_ reconcile.PlanScoped    = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithIndex makes batch observations and List read roles from index.
func WithIndex(x Index) Option { return func(k *Kind) { k.index = x } }

// New returns the kind talking to IAM with cfg.
func New(cfg aws.Config, opts ...Option) *Kind { return NewWithAPI(iam.NewFromConfig(cfg), opts...) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API, opts ...Option) *Kind { return kindkit.Build(&Kind{api: api}, opts) }

// BeginPlan implements reconcile.PlanScoped: the plan lists roles afresh,
// so it never reports what an earlier plan saw.
func (k *Kind) BeginPlan() { kindkit.ResetIndex(k.index) }

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return "iam.role" }

// Attributes implements reconcile.Kind: arn, name, and id (the RoleId AWS
// assigns, which trust policies of other accounts may name).
func (k *Kind) Attributes() []string { return []string{"arn", "name", "id"} }

// notFound: IAM's not-found.
var notFound = kindkit.Is[*types.NoSuchEntityException]
