package main

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	allkinds "github.com/trip-assistant/stack/internal/kinds"
	"github.com/trip-assistant/stack/reconcile"
)

// kinds wires every resource kind to clients built from cfg; the list lives
// in internal/kinds, shared with the local stack (cmd/localup).
func kinds(cfg aws.Config) map[string]reconcile.Kind { return allkinds.All(cfg) }
