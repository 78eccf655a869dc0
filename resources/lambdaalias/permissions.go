package lambdaalias

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// The alias owns its resource policy: every statement in it is declared by
// a lambda.permission of the stack, or it is drift (anyone with
// lambda:AddPermission can widen who may invoke the alias).

// statements lists the statement ids of the alias's resource policy, as
// the plan read it (shared with the permissions on the alias). Only
// Observe asks: Create and Update report no statement or the declared ones.
func (k *Kind) statements(ctx context.Context, function, alias string) ([]string, error) {
	text, found, err := k.policies.Observed(ctx, function, alias)
	if err != nil {
		return nil, fmt.Errorf("cannot read the policy of lambda alias %q of function %q: %w", alias, function, err)
	}
	if !found {
		return []string{}, nil // no policy: no statement
	}
	var doc struct{ Statement []struct{ Sid string } }
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("cannot parse the policy of lambda alias %q of function %q: %w", alias, function, err)
	}
	sids := []string{}
	for _, st := range doc.Statement {
		sids = append(sids, st.Sid)
	}
	slices.Sort(sids)
	return sids, nil
}

// removeUndeclared removes the statements live holds that desired does not
// declare. A statement already gone is fine.
func (k *Kind) removeUndeclared(ctx context.Context, function, alias string, desired, live []string) error {
	defer k.policies.Forget(function)
	for _, sid := range live {
		if slices.Contains(desired, sid) {
			continue
		}
		_, err := k.api.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String(function), Qualifier: aws.String(alias), StatementId: aws.String(sid)})
		if err != nil && !isNotFound(err) {
			return fmt.Errorf("cannot remove statement %q from the policy of lambda alias %q of function %q: %w", sid, alias, function, err)
		}
	}
	return nil
}
