// Package oidcprovider reconciles the iam.oidc_provider kind: an IAM OpenID
// Connect identity provider, such as GitHub Actions' token issuer, which a
// role's trust policy names as its Federated principal. Its ID is the ARN AWS
// returns. Thumbprints are sent but never reported as drift: since July 2023
// AWS trusts GitHub's certificate authority and ignores them.
package oidcprovider
