package oidcprovider

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Delete implements reconcile.Kind; a provider already gone is fine.
func (k *Kind) Delete(ctx context.Context, id string) error {
	_, err := k.api.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id)})
	if err != nil && !notFound(err) {
		return fmt.Errorf("cannot delete OIDC provider %q: %w", id, err)
	}
	return nil
}
