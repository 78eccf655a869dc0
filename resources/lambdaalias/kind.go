package lambdaalias

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
)

// Kind reconciles lambda.alias resources.
type Kind struct{ api API }

var _ reconcile.Kind = (*Kind)(nil)

// New returns the kind using a Lambda client built from cfg.
func New(cfg aws.Config) *Kind { return NewWithAPI(lambda.NewFromConfig(cfg)) }

// NewWithAPI returns the kind calling api.
func NewWithAPI(api API) *Kind { return &Kind{api: api} }

// Type is the type name of the kind in a spec.
const Type = "lambda.alias"

// Type implements reconcile.Kind.
func (k *Kind) Type() string { return Type }

// Attributes implements reconcile.Kind.
func (k *Kind) Attributes() []string { return []string{"arn", "name", "function_version"} }

// id joins the function and alias names; neither may hold a colon.
func id(function, alias string) string { return function + ":" + alias }

// ParseID splits the id the kind records in the state into the names of
// the function and the alias.
func ParseID(s string) (function, alias string, err error) {
	function, alias, ok := strings.Cut(s, ":")
	if !ok || function == "" || alias == "" {
		return "", "", fmt.Errorf("invalid lambda alias id %q: want function:alias", s)
	}
	return function, alias, nil
}
