package lambdafn

import (
	"context"
	"strings"
)

// List implements reconcile.Lister: the names of the functions starting
// with prefix. ListFunctions has no name filter; the prefix is applied
// here. In a plan whose ObserveBatch listed every version, the names come
// from that listing and List calls nothing.
func (k *Kind) List(ctx context.Context, prefix string) ([]string, error) {
	names, err := k.listing().functionNames(ctx, k.api)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, name := range names {
		if strings.HasPrefix(name, prefix) {
			ids = append(ids, name)
		}
	}
	return ids, nil
}
