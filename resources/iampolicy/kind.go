package iampolicy

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Kind reconciles inline role policies.
type Kind struct {
	api API
	// index, when set, serves ObserveBatch from one plan's account-wide
	// listing instead of a GetRolePolicy each.
	index Index
}

var (
	_ reconcile.Kind          = (*Kind)(nil)
	_ reconcile.BatchObserver = (*Kind)(nil)
	_ reconcile.PlanScoped    = (*Kind)(nil)
	_ reconcile.Attachment    = (*Kind)(nil)
)

// Option adjusts a Kind.
type Option func(*Kind)

// WithIndex makes batch observations read policies from index.
func WithIndex(x Index) Option { return func(k *Kind) { k.index = x } }

// New returns the kind talking to IAM with cfg.
func New(cfg aws.Config, opts ...Option) *Kind { return NewWithAPI(iam.NewFromConfig(cfg), opts...) }

// NewWithAPI returns the kind talking to api (a fake in tests).
func NewWithAPI(api API, opts ...Option) *Kind { return kindkit.Build(&Kind{api: api}, opts) }

// BeginPlan implements reconcile.PlanScoped: the plan lists policies
// afresh, so it never reports what an earlier plan saw.
func (k *Kind) BeginPlan() { kindkit.ResetIndex(k.index) }

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return "iam.role_policy" }

// Attributes implements reconcile.Kind.
func (k *Kind) Attributes() []string { return []string{"name", "role"} }

// ID is how the state records a policy: role names cannot hold a colon.
func ID(role, name string) string { return role + ":" + name }

// parseID splits an ID made by ID.
func parseID(id string) (role, name string, err error) {
	role, name, ok := strings.Cut(id, ":")
	if !ok || role == "" || name == "" {
		return "", "", fmt.Errorf("invalid IAM role policy id %q: expected ROLE:NAME", id)
	}
	return role, name, nil
}

// notFound: IAM's not-found.
var notFound = kindkit.Is[*types.NoSuchEntityException]

// AttachmentKey implements reconcile.Attachment: a policy is a member of
// its role's inline_policies by its name, from the recorded id or the
// desired name.
func (k *Kind) AttachmentKey(id string, desired spec.Props) (string, bool) {
	if id != "" {
		if _, name, err := parseID(id); err == nil {
			return name, true
		}
	}
	if name, ok := desired["name"].(string); ok && name != "" {
		return name, true
	}
	return "", false
}
