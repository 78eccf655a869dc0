package httpapi

import "github.com/trip-assistant/stack/internal/awsclient"

// Option configures the apigw kinds.
type Option func(*options)

type options struct {
	apis    *APIListing
	members *MemberListing
	caller  Caller
}

// WithAPIListing makes the kind read HTTP APIs from l while planning. The
// api and stage kinds of a run share one, so a plan lists the account's
// APIs once for both.
func WithAPIListing(l *APIListing) Option { return func(o *options) { o.apis = l } }

// WithMemberListing makes the apigw.api kind keep what its plan
// observations list of each API's routes, integrations and stages in l,
// and the route, integration and stage kinds observe from it. The four
// kinds of a run share one.
func WithMemberListing(l *MemberListing) Option { return func(o *options) { o.members = l } }

// WithIdentity makes the kind take the account and partition from c
// rather than asking STS itself, so a run asks once.
func WithIdentity(c Caller) Option { return func(o *options) { o.caller = c } }

// buildOptions applies opts; without WithIdentity the kind asks STS through
// stsAPI, once.
func buildOptions(stsAPI STSAPI, opts []Option) options {
	o := applyOptions(opts)
	if o.caller == nil {
		o.caller = awsclient.NewIdentityWithAPI(stsAPI)
	}
	return o
}

// applyOptions applies opts, for the kinds that need no identity.
func applyOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
