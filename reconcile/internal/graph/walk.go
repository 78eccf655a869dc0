package graph

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// Outcome is what a walk did with one node.
type Outcome int

const (
	Visited Outcome = iota + 1 // visit returned nil
	Failed                     // visit returned an error
	Skipped                    // never visited: see Options.Skip
)

// Options tune a walk.
type Options struct {
	// Limit bounds the visits running at once; 0 or less means no bound.
	Limit int
	// Reverse makes a node wait for the nodes that depend on it instead of
	// those it depends on: the order of deletes.
	Reverse bool
	// Upstream holds the outcomes of nodes outside the graph (an earlier
	// walk's) that its nodes depend on: a failed or skipped one blocks its
	// dependents as if it were in the graph.
	Upstream map[string]Outcome
	// Skip is told of every node the walk does not visit, with the node it
	// waited for that failed or was skipped, or "" when ctx was done before
	// the node could start. It may be called concurrently.
	Skip func(node, blocker string)
}

// Walk visits every node of g (node → the nodes it depends on) once all
// the nodes it waits for are done, in parallel within o.Limit. A node that
// waits for a failed or skipped node is skipped, and so are its own
// dependents in turn; the rest of the graph goes on. Once ctx is done no
// new visit starts (the ones running finish). Dependencies outside g and
// o.Upstream are ignored; g must be acyclic. Walk returns when every node
// is visited or skipped, with the outcome of each.
func Walk(ctx context.Context, g map[string][]string, o Options, visit func(node string) error) map[string]Outcome {
	waitFor := g
	if o.Reverse {
		waitFor = dependents(g)
	}
	finished := make(map[string]chan struct{}, len(g))
	for n := range g {
		finished[n] = make(chan struct{})
	}
	var mu sync.Mutex
	out := make(map[string]Outcome, len(g))
	outcome := func(n string) (Outcome, bool) {
		if v, ok := o.Upstream[n]; ok {
			return v, true
		}
		if ch, ok := finished[n]; ok {
			<-ch
			mu.Lock()
			defer mu.Unlock()
			return out[n], true
		}
		return 0, false
	}
	var sem chan struct{}
	if o.Limit > 0 {
		sem = make(chan struct{}, o.Limit)
	}
	var wg sync.WaitGroup
	for _, n := range slices.Sorted(maps.Keys(g)) {
		wg.Go(func() {
			result := Skipped
			defer func() {
				mu.Lock()
				out[n] = result
				mu.Unlock()
				close(finished[n])
			}()
			skip := func(blocker string) {
				if o.Skip != nil {
					o.Skip(n, blocker)
				}
			}
			// Wait for all first, then look: the blocker reported is the
			// first in the node's own order, whatever finished first.
			deps := waitFor[n]
			got := make([]Outcome, len(deps))
			for i, d := range deps {
				got[i], _ = outcome(d)
			}
			for i, d := range deps {
				if got[i] == Failed || got[i] == Skipped {
					skip(d)
					return
				}
			}
			if ctx.Err() != nil {
				skip("")
				return
			}
			if sem != nil {
				sem <- struct{}{}
				defer func() { <-sem }()
				if ctx.Err() != nil {
					skip("")
					return
				}
			}
			if err := visit(n); err != nil {
				result = Failed
				return
			}
			result = Visited
		})
	}
	wg.Wait()
	return out
}

// dependents inverts g: node → the nodes of g that depend on it.
func dependents(g map[string][]string) map[string][]string {
	out := make(map[string][]string, len(g))
	for _, n := range slices.Sorted(maps.Keys(g)) {
		if _, ok := out[n]; !ok {
			out[n] = nil
		}
		for _, d := range g[n] {
			if _, ok := g[d]; ok {
				out[d] = append(out[d], n)
			}
		}
	}
	return out
}
