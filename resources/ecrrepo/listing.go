package ecrrepo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// listPageSize is the most repositories one DescribeRepositories page may
// hold.
const listPageSize = 1000

// listing is the registry's repositories as one DescribeRepositories
// listing found them. ECR has no name filter, so List (the unmanaged
// report) lists the whole registry, once a plan for all its prefixes;
// ObserveBatch asks by name and never reads it.
type listing struct {
	repos map[string]types.Repository
	// complete: every page was read. A listing cut short, or one that
	// failed, still proves the repositories it holds exist, but List
	// cannot answer from it.
	complete bool
}

// BeginPlan drops the previous plan's listing and tag index: the new plan
// takes its own on its first ObserveBatch or List.
func (k *Kind) BeginPlan() {
	k.plan.BeginPlan()
	kindkit.ResetIndex(k.tagIndex)
}

// fullListing returns every repository in the registry: the plan's
// listing when it is complete, else a new one, which the plan keeps.
// Holding the lock while listing makes concurrent List calls share one
// listing.
func (k *Kind) fullListing(ctx context.Context) (listing, error) {
	p, planned := k.plan.InPlan()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listed != nil && p.listed.complete {
		return *p.listed, nil
	}
	l, err := k.list(ctx, 0)
	if err != nil {
		return listing{}, err
	}
	if planned {
		p.listed = &l
	}
	return l, nil
}

// list reads the registry's repositories, at most pages pages (0: all).
func (k *Kind) list(ctx context.Context, pages int) (listing, error) {
	l := listing{repos: map[string]types.Repository{}}
	p := ecr.NewDescribeRepositoriesPaginator(k.api, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(listPageSize)})
	for read := 0; p.HasMorePages(); read++ {
		if pages > 0 && read == pages {
			return l, nil
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return listing{}, fmt.Errorf("cannot list ecr repositories: %w", err)
		}
		for _, r := range page.Repositories {
			l.repos[aws.ToString(r.RepositoryName)] = r
		}
	}
	l.complete = true
	return l, nil
}
