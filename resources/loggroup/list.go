package loggroup

import (
	"context"
	"sort"
)

// List returns the names of the log groups starting with prefix.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	groups, err := k.describe(ctx, prefix)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(groups))
	for n := range groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
