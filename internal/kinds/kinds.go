// Package kinds wires every resource kind the stack may declare to AWS
// clients built from one configuration. The CLI and the local stack
// (internal/localup) share it, so both accept the same spec.
package kinds

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/iamindex"
	"github.com/trip-assistant/stack/internal/tagindex"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/ecrrepo"
	"github.com/trip-assistant/stack/resources/httpapi"
	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/iamrole"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/lambdaperm"
	"github.com/trip-assistant/stack/resources/loggroup"
	"github.com/trip-assistant/stack/resources/oidcprovider"
	"github.com/trip-assistant/stack/resources/ssmparam"
)

// All returns every kind by type name, with clients built from cfg. Adding
// a kind is one line here; the engine does not change. Kinds describe their
// schema without calling AWS, so an empty aws.Config serves validation.
//
// The kinds share one tag index and one IAM role index, listings made
// once on first use and kept: call All once per run (plan), not once per
// process that plans several times.
func All(cfg aws.Config) map[string]reconcile.Kind {
	tags := tagindex.New(cfg)
	roles := iamindex.New(cfg)
	all := []reconcile.Kind{
		ssmparam.New(cfg, ssmparam.WithTagIndex(tags)),
		loggroup.New(cfg, loggroup.WithTagIndex(tags)),
		ecrrepo.New(cfg, ecrrepo.WithTagIndex(tags)),
		iamrole.New(cfg, iamrole.WithIndex(roles)),
		iampolicy.New(cfg, iampolicy.WithIndex(roles)),
		oidcprovider.New(cfg),
		lambdafn.New(cfg),
		lambdaalias.New(cfg),
		lambdaperm.New(cfg),
		httpapi.NewAPI(cfg),
		httpapi.NewIntegration(cfg),
		httpapi.NewRoute(cfg),
		httpapi.NewStage(cfg),
	}
	out := make(map[string]reconcile.Kind, len(all))
	for _, k := range all {
		out[k.Type()] = k
	}
	return out
}
