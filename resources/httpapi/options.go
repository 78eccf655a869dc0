package httpapi

import "github.com/trip-assistant/stack/internal/awsclient"

// Option configures the apigw.api and apigw.stage kinds.
type Option func(*options)

type options struct {
	apis   *APIListing
	caller Caller
}

// WithAPIListing makes the kind read HTTP APIs from l while planning. The
// api and stage kinds of a run share one, so a plan lists the account's
// APIs once for both.
func WithAPIListing(l *APIListing) Option { return func(o *options) { o.apis = l } }

// WithIdentity makes the kind take the account and partition from c
// rather than asking STS itself, so a run asks once.
func WithIdentity(c Caller) Option { return func(o *options) { o.caller = c } }

// buildOptions applies opts; without WithIdentity the kind asks STS through
// stsAPI, once.
func buildOptions(stsAPI STSAPI, opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.caller == nil {
		o.caller = awsclient.NewIdentityWithAPI(stsAPI)
	}
	return o
}
