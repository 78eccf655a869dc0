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

// Observe implements reconcile.Kind with GetRolePolicy; a missing role or
// policy is absent.
func (k *Kind) Observe(ctx context.Context, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	role, name, err := identity(req)
	if err != nil {
		return reconcile.Observation{}, err
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
	return decoded(role, name, aws.ToString(out.PolicyDocument))
}

// identity is the role and policy names: from the ID recorded in the
// state, else from the desired props ("" while Unknown).
func identity(req reconcile.ObserveRequest) (role, name string, err error) {
	if req.ID != "" {
		return parseID(req.ID)
	}
	return req.Desired.String("role"), req.Desired.String("name"), nil
}

// decoded is the observation of a policy whose document AWS returned
// (URL-encoded, or plain from some emulators).
func decoded(role, name, document string) (reconcile.Observation, error) {
	doc, err := policydoc.Decode(document)
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot read inline policy %q of IAM role %q: %w", name, role, err)
	}
	return observation(role, name, doc), nil
}

func observation(role, name string, doc any) reconcile.Observation {
	return reconcile.Observation{
		Exists: true,
		ID:     ID(role, name),
		Props:  spec.Props{"role": role, "name": name, "policy": doc},
		Attrs:  map[string]string{"name": name, "role": role},
	}
}
