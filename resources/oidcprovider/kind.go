package oidcprovider

import (
	"errors"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
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

func notFound(err error) bool {
	var nse *types.NoSuchEntityException
	return errors.As(err, &nse)
}

func sorted(l []string) []any {
	c := append([]string(nil), l...)
	sort.Strings(c)
	return spec.StringListValue(c)
}

func tagMap(tags []types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func tagList(m map[string]string) []types.Tag {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := make([]types.Tag, 0, len(keys))
	for _, k := range keys {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	in := make(map[string]bool, len(b))
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	return len(minus(a, b)) == 0 && len(minus(b, a)) == 0
}
