package reconcile

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// unmanaged lists resources that carry the stack's prefix but that neither
// the state nor the spec knows.
// Resources another stack owns are only counted, by stack.
func (e *Engine) unmanaged(ctx context.Context, sp *spec.Spec, changes []*Change) ([]Unmanaged, map[string]int, error) {
	stack := sp.Project + "/" + sp.Environment
	neighbours := map[string]int{}
	known := map[typed]bool{}
	prefixes := map[string]map[string]bool{}
	kinds := map[string]Kind{}
	for _, c := range changes {
		known[typed{c.Type, c.ID}] = true
		if n := c.Live.Attrs["name"]; n != "" {
			known[typed{c.Type, n}] = true
		}
		k := e.Kinds[c.Type]
		if _, ok := k.(Lister); !ok || c.Desired == nil {
			continue
		}
		name, _ := c.Desired["name"].(string)
		i := strings.Index(name, sp.Project)
		if i < 0 {
			continue
		}
		if prefixes[c.Type] == nil {
			prefixes[c.Type] = map[string]bool{}
		}
		prefixes[c.Type][name[:i+len(sp.Project)]] = true
		kinds[c.Type] = k
	}
	// The listings are independent: run them at once, within the
	// parallelism bound, and read the answers in a fixed order.
	type listing struct {
		typ, prefix string
		listed      []Listed
		err         error
	}
	var listings []*listing
	for _, t := range slices.Sorted(maps.Keys(prefixes)) {
		for _, prefix := range slices.Sorted(maps.Keys(prefixes[t])) {
			listings = append(listings, &listing{typ: t, prefix: prefix})
		}
	}
	sem := make(chan struct{}, e.parallelism())
	var wg sync.WaitGroup
	for _, l := range listings {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var ids []string
			ids, l.err = kinds[l.typ].(Lister).List(ctx, l.prefix)
			strangers := false
			for _, id := range ids {
				l.listed = append(l.listed, Listed{ID: id})
				strangers = strangers || !known[typed{l.typ, id}]
			}
			// Owners are asked only of a listing that holds resources the
			// plan does not know: reading them can cost a call each.
			if sl, ok := kinds[l.typ].(StackLister); ok && l.err == nil && strangers {
				l.listed, l.err = sl.ListStacks(ctx, l.prefix)
			}
		})
	}
	wg.Wait()
	var out []Unmanaged
	for _, l := range listings {
		if l.err != nil {
			return nil, nil, fmt.Errorf("cannot list %s resources named %s*: %w", l.typ, l.prefix, l.err)
		}
		for _, r := range l.listed {
			k := typed{l.typ, r.ID}
			if known[k] {
				continue
			}
			known[k] = true
			if r.Stack != "" && r.Stack != stack {
				neighbours[r.Stack]++
				continue
			}
			out = append(out, Unmanaged{Type: l.typ, ID: r.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+out[i].ID < out[j].Type+out[j].ID })
	if len(neighbours) == 0 {
		neighbours = nil
	}
	return out, neighbours, nil
}
