package ecrrepo

import (
	"context"
	"sort"
	"strings"
)

// List returns the names of the repositories starting with prefix. ECR
// has no name filter, so it answers from a listing of the whole registry:
// the plan's, when complete.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	l, err := k.fullListing(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range l.repos {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}
