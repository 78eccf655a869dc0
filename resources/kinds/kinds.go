package kinds

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/ecrrepo"
	"github.com/trip-assistant/stack/resources/httpapi"
	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/iamrole"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
	"github.com/trip-assistant/stack/resources/internal/lambdapolicy"
	"github.com/trip-assistant/stack/resources/internal/tagindex"
	"github.com/trip-assistant/stack/resources/lambdaalias"
	"github.com/trip-assistant/stack/resources/lambdafn"
	"github.com/trip-assistant/stack/resources/lambdaperm"
	"github.com/trip-assistant/stack/resources/loggroup"
	"github.com/trip-assistant/stack/resources/oidcprovider"
	"github.com/trip-assistant/stack/resources/ssmparam"
)

// Option configures All.
type Option func(*options)

type options struct {
	identity *awsclient.Identity
}

// WithIdentity makes the kinds take the account and partition from id,
// which the caller also asks (for the spec's ${account_id}): STS is asked
// once per run. Without it All makes one identity for its kinds.
func WithIdentity(id *awsclient.Identity) Option { return func(o *options) { o.identity = id } }

// All returns every kind by type name, with clients built from cfg. Adding
// a kind is one line here; the engine does not change. Kinds describe their
// schema without calling AWS, so an empty aws.Config serves validation.
//
// The kinds share what is worth reading once: the caller's identity, kept
// for as long as the kinds (it does not change with the credentials), and
// account-wide listings. The listings (the tag index, the IAM role index,
// the HTTP API listing and its members', the Lambda policies the function,
// alias and permission kinds read, and each kind's own) last one plan: the
// engine tells the kinds when a plan begins (reconcile.PlanScoped) and they
// drop them, so one set of kinds serves every plan of a process.
func All(cfg aws.Config, opts ...Option) map[string]reconcile.Kind {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.identity == nil {
		o.identity = awsclient.NewIdentity(cfg)
	}
	tags := tagindex.New(cfg)
	roles := iamindex.New(cfg)
	apis := httpapi.NewAPIListing(cfg)
	policies := lambdapolicy.New(cfg)
	members := httpapi.NewMemberListing()
	all := []reconcile.Kind{
		ssmparam.New(cfg, ssmparam.WithTagIndex(tags)),
		loggroup.New(cfg, loggroup.WithTagIndex(tags)),
		ecrrepo.New(cfg, ecrrepo.WithTagIndex(tags)),
		iamrole.New(cfg, iamrole.WithIndex(roles)),
		iampolicy.New(cfg, iampolicy.WithIndex(roles)),
		oidcprovider.New(cfg),
		lambdafn.New(cfg, lambdafn.WithTagIndex(tags), lambdafn.WithPolicies(policies)),
		lambdaalias.New(cfg, lambdaalias.WithPolicies(policies)),
		lambdaperm.New(cfg, lambdaperm.WithPolicies(policies)),
		httpapi.NewAPI(cfg, httpapi.WithAPIListing(apis), httpapi.WithMemberListing(members), httpapi.WithIdentity(o.identity)),
		httpapi.NewIntegration(cfg, httpapi.WithMemberListing(members)),
		httpapi.NewRoute(cfg, httpapi.WithMemberListing(members)),
		httpapi.NewStage(cfg, httpapi.WithAPIListing(apis), httpapi.WithMemberListing(members), httpapi.WithIdentity(o.identity)),
	}
	out := make(map[string]reconcile.Kind, len(all))
	for _, k := range all {
		out[k.Type()] = k
	}
	return out
}
