package ecrrepo

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
)

// List returns the names of the repositories starting with prefix. ECR
// has no name filter, so it pages through the registry's repositories.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	pages := ecr.NewDescribeRepositoriesPaginator(k.api, &ecr.DescribeRepositoriesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list ecr repositories: %w", err)
		}
		for _, r := range page.Repositories {
			if n := aws.ToString(r.RepositoryName); strings.HasPrefix(n, prefix) {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
