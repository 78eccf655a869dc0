package loggroup

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/trip-assistant/stack/reconcile"
)

// Kind reconciles logs.log_group resources.
type Kind struct {
	api API
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
	_ reconcile.Lister        = (*Kind)(nil)
)

// New returns the kind talking to CloudWatch Logs with cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(cloudwatchlogs.NewFromConfig(cfg)) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API) *Kind { return &Kind{api: api} }
