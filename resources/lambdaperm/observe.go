package lambdaperm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Observe implements reconcile.Kind: it reads the policy of the function
// (or of the alias named by qualifier: GetPolicy must be asked with the
// qualifier the statement was added with) and finds the statement by Sid.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	var key key
	if req.ID != "" {
		var err error
		if key, err = parseID(req.ID); err != nil {
			return reconcile.Observation{}, err
		}
	} else {
		// Unknown values (a function not made yet) are not strings.
		f, _ := req.Desired["function_name"].(string)
		q, qok := req.Desired["qualifier"].(string)
		s, _ := req.Desired["statement_id"].(string)
		if f == "" || s == "" || (!qok && req.Desired.Has("qualifier")) {
			return reconcile.Observation{}, nil
		}
		key.function, key.qualifier, key.sid = f, q, s
	}
	return k.observe(ctx, key, req.Desired.String("principal"), k.policies.Observed)
}

// policyRead reads a policy: the plan's shared read
// (lambdapolicy.Reader.Observed) when observing, AWS now (Read) in Create,
// which must see what is there after its AddPermission failed.
type policyRead func(ctx context.Context, function, qualifier string) (doc string, found bool, err error)

func (k *Kind) observe(ctx context.Context, key key, desiredPrincipal string, policy policyRead) (reconcile.Observation, error) {
	text, found, err := policy(ctx, key.function, key.qualifier)
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read the policy of lambda function %q: %w", key.target(), err)
	}
	if !found {
		// No function, alias or policy: no statement either.
		return reconcile.Observation{}, nil
	}
	var doc struct{ Statement []json.RawMessage }
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot parse the policy of lambda function %q: %w", key.target(), err)
	}
	for _, raw := range doc.Statement {
		st, err := parseStatement(raw)
		if err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot parse the policy of lambda function %q: %w", key.target(), err)
		}
		if st.Sid == key.sid {
			return st.observation(key, desiredPrincipal), nil
		}
	}
	return reconcile.Observation{}, nil
}

// statement is one statement of a function policy as Lambda writes it:
// Principal and Action may be a string or a list or an object.
type statement struct {
	Sid       string
	Action    any
	Principal any
	Condition map[string]map[string]any
}

func parseStatement(raw []byte) (statement, error) {
	var st statement
	err := json.Unmarshal(raw, &st)
	return st, err
}

func (st statement) observation(key key, desiredPrincipal string) reconcile.Observation {
	return reconcile.Observation{
		Exists: true,
		ID:     key.id(),
		Props: spec.Props{
			"function_name": key.function,
			"qualifier":     key.qualifier,
			"statement_id":  st.Sid,
			"action":        first(st.Action),
			"principal":     principal(st.Principal, desiredPrincipal),
			"source_arn":    st.condition("ArnLike", "AWS:SourceArn"),
		},
		Attrs: map[string]string{"statement_id": st.Sid},
	}
}

// condition returns the value of a condition key; IAM compares operator
// and key names case-insensitively.
func (st statement) condition(op, name string) string {
	for o, keys := range st.Condition {
		if !strings.EqualFold(o, op) {
			continue
		}
		for k, v := range keys {
			if strings.EqualFold(k, name) {
				return first(v)
			}
		}
	}
	return ""
}

// principal turns Lambda's rewrite of the principal back into the form the
// spec gives to AddPermission: {"Service": "apigateway.amazonaws.com"}
// for a service, {"AWS": "arn:aws:iam::123456789012:root"} for an account
// given by its id.
func principal(v any, desired string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return first(v)
	}
	if s, ok := m["Service"]; ok {
		return first(s)
	}
	if a, ok := m["AWS"]; ok {
		arn := first(a)
		if desired != "" && arn == "arn:"+partitionOf(arn)+":iam::"+desired+":root" {
			return desired
		}
		return arn
	}
	return ""
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// first returns a string, or the first string of a list.
func first(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			s, _ := x[0].(string)
			return s
		}
	}
	return ""
}

// isNotFound: Lambda's not-found.
var isNotFound = kindkit.Is[*types.ResourceNotFoundException]
