package iamrole

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
)

// Kind reconciles IAM roles. A role's ID is its name.
type Kind struct {
	api API
}

var (
	_ reconcile.Kind   = (*Kind)(nil)
	_ reconcile.Lister = (*Kind)(nil)
)

// New returns the kind talking to IAM with cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(iam.NewFromConfig(cfg)) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API) *Kind { return &Kind{api: api} }

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return "iam.role" }

// Attributes implements reconcile.Kind: arn, name, and id (the RoleId AWS
// assigns, which trust policies of other accounts may name).
func (k *Kind) Attributes() []string { return []string{"arn", "name", "id"} }

func notFound(err error) bool {
	var nse *types.NoSuchEntityException
	return errors.As(err, &nse)
}
