package iamrole

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trip-assistant/stack/reconcile"
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
	p := iam.NewListRolesPaginator(k.api, &iam.ListRolesInput{MaxItems: aws.Int32(1000)})
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

// ListStacks implements reconcile.StackLister: the roles List finds, each
// with the stack its reconcile:stack tag names. The tags come from the
// plan's GetAccountAuthorizationDetails listing when it saw every role
// (ListRoles leaves tags out); otherwise each listed role's tags are read
// with ListRoleTags, one call per role with the prefix.
func (k *Kind) ListStacks(ctx context.Context, prefix string) ([]reconcile.Listed, error) {
	names, err := k.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var tags map[string]map[string]string
	if k.index != nil {
		tags, _ = k.index.RoleTags(ctx)
	}
	out := make([]reconcile.Listed, 0, len(names))
	for _, n := range names {
		t, ok := tags[n]
		if !ok {
			if t, err = k.roleTags(ctx, n); notFound(err) {
				continue // deleted since the listing
			} else if err != nil {
				return nil, err
			}
		}
		out = append(out, reconcile.Listed{ID: n, Stack: t[reconcile.TagStack]})
	}
	return out, nil
}

func (k *Kind) roleTags(ctx context.Context, name string) (map[string]string, error) {
	var tags []types.Tag
	p := iam.NewListRoleTagsPaginator(k.api, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list the tags of IAM role %q: %w", name, err)
		}
		tags = append(tags, page.Tags...)
	}
	return tagMap(tags), nil
}
