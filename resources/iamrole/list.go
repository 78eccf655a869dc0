package iamrole

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// List implements reconcile.Lister: the names of the roles starting with
// prefix. IAM filters only by path, so names are filtered here.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	all, err := k.roleNames(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range all {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names, nil
}

// roleNames lists the name of every role in the account. The plan's role
// listing answers when it holds every role (the index lists them all if no
// batch listed yet); one cut short by a batch's page bound, or failed,
// cannot tell that a role is unmanaged, so the roles are then listed here,
// where an error shows.
func (k *Kind) roleNames(ctx context.Context) ([]string, error) {
	if k.index != nil {
		if names, ok := k.index.RoleNames(ctx); ok {
			return names, nil
		}
	}
	var names []string
	p := iam.NewListRolesPaginator(k.api, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list IAM roles: %w", err)
		}
		for _, r := range page.Roles {
			names = append(names, aws.ToString(r.RoleName))
		}
	}
	return names, nil
}
