package iampolicy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Create implements reconcile.Kind. PutRolePolicy replaces a policy of the
// same name, so an existing one is adopted by the same call.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	return k.put(ctx, desired)
}

// put writes the policy and reports what was written: a read right after
// would race IAM's eventual consistency.
func (k *Kind) put(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	role, name := desired.String("role"), desired.String("name")
	doc, err := policydoc.Marshal(desired["policy"])
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot put inline policy %q on IAM role %q: %w", name, role, err)
	}
	if _, err := k.api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(doc),
	}); err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot put inline policy %q on IAM role %q: %w", name, role, err)
	}
	return observation(role, name, desired["policy"]), nil
}
