package oidcprovider

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Observe implements reconcile.Kind. Without an ID the provider is found by
// its URL among the account's providers (one per URL is all IAM allows).
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	arn := req.ID
	if arn == "" {
		url := req.Desired.String("url") // "" while Unknown
		if url == "" {
			return reconcile.Observation{}, nil
		}
		var err error
		if arn, err = k.find(ctx, url); err != nil || arn == "" {
			return reconcile.Observation{}, err
		}
	}
	out, err := k.api.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if notFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read OIDC provider %q: %w", arn, err)
	}
	url := "https://" + issuer(aws.ToString(out.Url))
	return reconcile.Observation{
		Exists: true,
		ID:     arn,
		Props: spec.Props{
			"url":         url,
			"client_ids":  sorted(out.ClientIDList),
			"thumbprints": sorted(out.ThumbprintList),
			"tags":        spec.StringMapValue(tagMap(out.Tags)),
		},
		Attrs: map[string]string{"arn": arn, "url": url},
	}, nil
}

// find returns the ARN of the provider for url, "" if there is none. The
// ARN ends in "oidc-provider/" and the URL as IAM stores it, so one list
// call suffices.
func (k *Kind) find(ctx context.Context, url string) (string, error) {
	out, err := k.api.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return "", fmt.Errorf("cannot list OIDC providers: %w", err)
	}
	suffix := ":oidc-provider/" + issuer(url)
	for _, p := range out.OpenIDConnectProviderList {
		if a := aws.ToString(p.Arn); strings.HasSuffix(a, suffix) {
			return a, nil
		}
	}
	return "", nil
}
