package iampolicy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Delete implements reconcile.Kind; a policy (or role) already gone is fine.
func (k *Kind) Delete(ctx context.Context, id string) error {
	role, name, err := parseID(id)
	if err != nil {
		return err
	}
	_, err = k.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
	if err != nil && !notFound(err) {
		return fmt.Errorf("cannot delete inline policy %q of IAM role %q: %w", name, role, err)
	}
	return nil
}
