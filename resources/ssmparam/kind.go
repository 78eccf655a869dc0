package ssmparam

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/trip-assistant/stack/reconcile"
)

// Kind reconciles ssm.parameter resources.
type Kind struct {
	api API
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
)

// New returns the kind talking to SSM with cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(ssm.NewFromConfig(cfg)) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API) *Kind { return &Kind{api: api} }
