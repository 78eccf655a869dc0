package oidcprovider

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Create implements reconcile.Kind. IAM allows one provider per URL in an
// account; when it exists already, it is adopted and updated.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	url := desired.String("url")
	in := &iam.CreateOpenIDConnectProviderInput{
		Url:          aws.String(url),
		ClientIDList: desired.StringList("client_ids"),
		Tags:         tagList(desired.StringMap("tags")),
	}
	if tps := desired.StringList("thumbprints"); len(tps) > 0 {
		in.ThumbprintList = tps
	}
	out, err := k.api.CreateOpenIDConnectProvider(ctx, in)
	var exists *types.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return k.adopt(ctx, url, desired)
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create OIDC provider %q: %w", url, err)
	}
	arn := aws.ToString(out.OpenIDConnectProviderArn)
	props := spec.Props{}
	for k, v := range desired {
		props[k] = v
	}
	return reconcile.Observation{
		Exists: true,
		ID:     arn,
		Props:  props,
		Attrs:  map[string]string{"arn": arn, "url": "https://" + issuer(url)},
	}, nil
}

func (k *Kind) adopt(ctx context.Context, url string, desired spec.Props) (reconcile.Observation, error) {
	live, err := k.Observe(ctx, reconcile.ObserveRequest{Desired: desired})
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot adopt OIDC provider %q: %w", url, err)
	}
	if !live.Exists {
		return reconcile.Observation{}, fmt.Errorf("cannot adopt OIDC provider %q: it already exists, but cannot be found yet; retry", url)
	}
	changed := map[string]bool{
		"client_ids": !kindkit.SameSet(desired.StringList("client_ids"), live.Props.StringList("client_ids")),
		"thumbprints": len(desired.StringList("thumbprints")) > 0 &&
			!kindkit.SameSet(desired.StringList("thumbprints"), live.Props.StringList("thumbprints")),
	}
	set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.Props.StringMap("tags"))
	changed["tags"] = len(set) > 0 || len(remove) > 0
	has := func(f string) bool { return changed[f] }
	if err := k.apply(ctx, live.ID, desired, live.Props, has); err != nil {
		return reconcile.Observation{}, err
	}
	return kindkit.Merged(live, desired, has), nil
}
