package iamrole

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Delete implements reconcile.Kind. IAM refuses to delete a role that still
// has managed policies attached or inline policies (DeleteConflict), so
// those go first, whoever put them there.
func (k *Kind) Delete(ctx context.Context, id string) error {
	arns, err := k.attachedPolicies(ctx, id)
	if notFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, arn := range arns {
		if err := k.detach(ctx, id, arn); err != nil {
			return err
		}
	}
	inline, err := k.inlinePolicies(ctx, id)
	if notFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, p := range inline {
		if err := k.deleteInline(ctx, id, p); err != nil {
			return fmt.Errorf("cannot delete IAM role %q: %w", id, err)
		}
	}
	_, err = k.api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(id)})
	var conflict *types.DeleteConflictException
	switch {
	case err == nil, notFound(err):
		return nil
	case errors.As(err, &conflict):
		// Policies added after the listing, or an instance profile.
		return fmt.Errorf("cannot delete IAM role %q: something still uses it (a policy attached meanwhile, or an instance profile): %w", id, err)
	}
	return fmt.Errorf("cannot delete IAM role %q: %w", id, err)
}

func (k *Kind) inlinePolicies(ctx context.Context, name string) ([]string, error) {
	var names []string
	p := iam.NewListRolePoliciesPaginator(k.api, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list the inline policies of IAM role %q: %w", name, err)
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}
