package reconcile

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// typed names one resource among every kind: its type and a name or id
// (the same name or id may be used by two types).
type typed struct{ Type, Name string }

// observe reads every request of one level, batching where a kind can:
// a BatchObserver gets all its type's requests of the level together.
func (e *Engine) observe(ctx context.Context, kinds map[string]Kind, reqs map[string][]ObserveRequest) (map[typed]Observation, error) {
	out := map[typed]Observation{}
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, e.parallelism())
	var wg sync.WaitGroup
	record := func(t string, rs []ObserveRequest, obs []Observation, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = r.Name
			}
			errs = append(errs, fmt.Errorf("cannot read %s %s: %w", t, strings.Join(names, ", "), err))
			return
		}
		for i, r := range rs {
			out[typed{t, r.Name}] = obs[i]
		}
	}
	for _, t := range slices.Sorted(maps.Keys(reqs)) {
		k, rs := kinds[t], reqs[t]
		if b, ok := k.(BatchObserver); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				obs, err := b.ObserveBatch(ctx, rs)
				if err == nil && len(obs) != len(rs) {
					err = fmt.Errorf("batch observe returned %d results for %d requests", len(obs), len(rs))
				}
				record(t, rs, obs, err)
			}()
			continue
		}
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				ob, err := k.Observe(ctx, r)
				record(t, []ObserveRequest{r}, []Observation{ob}, err)
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// beginPlan tells every kind that a new plan starts.
func (e *Engine) beginPlan() {
	for _, name := range slices.Sorted(maps.Keys(e.Kinds)) {
		if ps, ok := e.Kinds[name].(PlanScoped); ok {
			ps.BeginPlan()
		}
	}
}
