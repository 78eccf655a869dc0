package oidcprovider

import (
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Kind reconciles IAM OIDC providers.
type Kind struct {
	api API
}

var _ reconcile.Kind = (*Kind)(nil)

// New returns the kind talking to IAM with cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(iam.NewFromConfig(cfg)) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API) *Kind { return &Kind{api: api} }

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return "iam.oidc_provider" }

// Attributes implements reconcile.Kind: arn, and url as the spec writes it
// (with https://).
func (k *Kind) Attributes() []string { return []string{"arn", "url"} }

// issuer is a provider URL as IAM stores it and puts it in the ARN: without
// the https:// scheme or a trailing slash.
func issuer(url string) string {
	return strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
}

// urlEqual compares provider URLs the way IAM identifies them.
func urlEqual(want, got any) bool {
	w, _ := want.(string)
	g, _ := got.(string)
	return issuer(w) == issuer(g)
}

// notFound: IAM's not-found.
var notFound = kindkit.Is[*types.NoSuchEntityException]

func sorted(l []string) []any {
	c := append([]string(nil), l...)
	sort.Strings(c)
	return spec.StringListValue(c)
}

func tagMap(tags []types.Tag) map[string]string {
	return kindkit.TagMap(tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })
}

func tagList(m map[string]string) []types.Tag {
	return kindkit.TagList(m, func(k, v *string) types.Tag { return types.Tag{Key: k, Value: v} })
}
