package oidcprovider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Update implements reconcile.Kind, calling only the APIs of the fields in
// the diff. Thumbprints are SpecOnly: they are in the diff only when the
// spec changed them.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	if err := k.apply(ctx, req.ID, req.Desired, req.Live.Props, req.Diff.Has); err != nil {
		return reconcile.Observation{}, err
	}
	return kindkit.Merged(req.Live, req.Desired, req.Diff.Has), nil
}

func (k *Kind) apply(ctx context.Context, arn string, desired, live spec.Props, changed func(string) bool) error {
	if changed("client_ids") {
		want, got := desired.StringList("client_ids"), live.StringList("client_ids")
		// Add first: a provider must keep at least one client id.
		for _, id := range kindkit.Minus(want, got) {
			if _, err := k.api.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(id),
			}); err != nil {
				return fmt.Errorf("cannot add client id %q to OIDC provider %q: %w", id, arn, err)
			}
		}
		for _, id := range kindkit.Minus(got, want) {
			if _, err := k.api.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(id),
			}); err != nil && !notFound(err) {
				return fmt.Errorf("cannot remove client id %q from OIDC provider %q: %w", id, arn, err)
			}
		}
	}
	// An empty list cannot be sent; with the thumbprints gone from the
	// spec, AWS keeps what it has (and ignores them for GitHub anyway).
	if tps := desired.StringList("thumbprints"); changed("thumbprints") && len(tps) > 0 {
		if _, err := k.api.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{
			OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: tps,
		}); err != nil {
			return fmt.Errorf("cannot update the thumbprints of OIDC provider %q: %w", arn, err)
		}
	}
	if changed("tags") {
		set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.StringMap("tags"))
		if len(set) > 0 {
			if _, err := k.api.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(arn), Tags: tagList(set),
			}); err != nil {
				return fmt.Errorf("cannot tag OIDC provider %q: %w", arn, err)
			}
		}
		if len(remove) > 0 {
			if _, err := k.api.UntagOpenIDConnectProvider(ctx, &iam.UntagOpenIDConnectProviderInput{
				OpenIDConnectProviderArn: aws.String(arn), TagKeys: remove,
			}); err != nil {
				return fmt.Errorf("cannot untag OIDC provider %q: %w", arn, err)
			}
		}
	}
	return nil
}
