package batch

import (
	"context"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Requests is a batch of observe requests grouped by name.
type Requests struct {
	// Names holds each request's name, "" when its identity is not known
	// yet (the request is then absent).
	Names []string
	// Unique holds each known name once, in request order.
	Unique []string
	// Desired holds the desired props of every request naming a resource.
	Desired map[string][]spec.Props
}

// Group names every request with name.
func Group(reqs []reconcile.ObserveRequest, name func(reconcile.ObserveRequest) string) Requests {
	g := Requests{Names: make([]string, len(reqs)), Desired: map[string][]spec.Props{}}
	for i, r := range reqs {
		n := name(r)
		g.Names[i] = n
		if n == "" {
			continue
		}
		if _, seen := g.Desired[n]; !seen {
			g.Unique = append(g.Unique, n)
		}
		g.Desired[n] = append(g.Desired[n], r.Desired)
	}
	return g
}

// One observes a single resource through the batch path, so both read it
// the same way.
func One(ctx context.Context, b reconcile.BatchObserver, req reconcile.ObserveRequest) (reconcile.Observation, error) {
	obs, err := b.ObserveBatch(ctx, []reconcile.ObserveRequest{req})
	if err != nil {
		return reconcile.Observation{}, err
	}
	return obs[0], nil
}

// Each observes the requests one after the other with observe, stopping at
// the first error: the batch of a kind whose reads come from listings it
// shares, where a request read on its own is the exception.
func Each(ctx context.Context, reqs []reconcile.ObserveRequest, observe func(context.Context, reconcile.ObserveRequest) (reconcile.Observation, error)) ([]reconcile.Observation, error) {
	out := make([]reconcile.Observation, len(reqs))
	for i, req := range reqs {
		obs, err := observe(ctx, req)
		if err != nil {
			return nil, err
		}
		out[i] = obs
	}
	return out, nil
}
