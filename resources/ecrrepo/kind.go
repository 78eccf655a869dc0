package ecrrepo

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/trip-assistant/stack/reconcile"
)

// Kind reconciles ecr.repository resources.
type Kind struct {
	api API
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
	_ reconcile.Lister        = (*Kind)(nil)
)

// New returns the kind talking to ECR with cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(ecr.NewFromConfig(cfg)) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API) *Kind { return &Kind{api: api} }
