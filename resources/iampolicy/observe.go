package iampolicy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Observe implements reconcile.Kind with GetRolePolicy; a missing role or
// policy is absent.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	role, name := req.Desired.String("role"), req.Desired.String("name") // "" while Unknown
	if req.ID != "" {
		var err error
		if role, name, err = parseID(req.ID); err != nil {
			return reconcile.Observation{}, err
		}
	}
	if role == "" || name == "" {
		return reconcile.Observation{}, nil
	}
	out, err := k.api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
	if notFound(err) {
		return reconcile.Observation{}, nil
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read inline policy %q of IAM role %q: %w", name, role, err)
	}
	doc, err := policydoc.Decode(aws.ToString(out.PolicyDocument))
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read inline policy %q of IAM role %q: %w", name, role, err)
	}
	return observation(role, name, doc), nil
}

func observation(role, name string, doc any) reconcile.Observation {
	return reconcile.Observation{
		Exists: true,
		ID:     ID(role, name),
		Props:  reconcile.Props{"role": role, "name": name, "policy": doc},
		Attrs:  map[string]string{"name": name, "role": role},
	}
}
