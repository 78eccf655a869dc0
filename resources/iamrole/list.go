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
	var names []string
	p := iam.NewListRolesPaginator(k.api, &iam.ListRolesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list IAM roles: %w", err)
		}
		for _, r := range page.Roles {
			if n := aws.ToString(r.RoleName); strings.HasPrefix(n, prefix) {
				names = append(names, n)
			}
		}
	}
	return names, nil
}
