package lambdafn

import (
	"context"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/fanout"
)

var _ reconcile.BatchObserver = (*Kind)(nil)

// observeParallelism bounds the functions of one batch read at once: the
// engine gives a batch one of its slots, and a stack of a hundred
// functions read one by one would make the plan wait.
const observeParallelism = 8

// ObserveBatch implements reconcile.BatchObserver: each function is read
// on its own, GetFunction and ListVersionsByFunction at once, then
// GetPolicy and GetFunctionUrlConfig (what it owns exclusively), several
// functions at once.
//
// Why per function and not ListFunctions(FunctionVersion=ALL), which an
// earlier version shared between the batch and List: that listing has no
// name filter, so it reads every version of every function in the
// account. AWS pages it (50 versions a page) but nothing cheap tells how
// many pages there are before reading them, and moto answers it in one
// page whatever MaxItems says, 1.2 s for an account of 70 other functions
// (issue 14). Two reads a function cost the stack's size, whatever the
// account holds: one call more per function than the listing saved in an
// empty account (four a function with its attachments).
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	var names []string
	index := map[string]int{}
	for _, r := range reqs {
		if n := requestName(r); n != "" {
			if _, ok := index[n]; !ok {
				index[n] = len(names)
				names = append(names, n)
			}
		}
	}
	read := make([]reconcile.Observation, len(names))
	err := fanout.Each(len(names), observeParallelism, func(i int) error {
		var err error
		read[i], err = k.observeBoth(ctx, names[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	obs := make([]reconcile.Observation, len(reqs))
	for i, r := range reqs {
		n := requestName(r)
		if n == "" || !read[index[n]].Exists {
			continue // absent
		}
		obs[i] = read[index[n]]
		obs[i].Props = maps.Clone(obs[i].Props)
		obs[i].Props["publish"] = desiredPublish(r.Desired)
	}
	return obs, nil
}

// observeBoth is observe with its two reads made at once: the version
// listing does not depend on the configuration. GetFunction alone says
// whether the function exists; versions of a function gone meanwhile
// read as none.
func (k *Kind) observeBoth(ctx context.Context, name string) (reconcile.Observation, error) {
	var (
		out            *lambda.GetFunctionOutput
		version        string
		getErr, verErr error
		wg             sync.WaitGroup
	)
	wg.Go(func() { out, getErr = k.getFunction(ctx, name) })
	wg.Go(func() { version, verErr = k.latestVersion(ctx, name) })
	wg.Wait()
	if getErr != nil {
		return reconcile.Observation{}, getErr
	}
	if out == nil {
		return reconcile.Observation{}, nil
	}
	if verErr != nil {
		return reconcile.Observation{}, verErr
	}
	obs := observation(name, out, version)
	// What the function owns exclusively (its policy, its URL): read
	// per function whatever the strategy, so it counts in the budget.
	if err := k.withAttachments(ctx, name, obs.Props, k.policies.Observed); err != nil {
		return reconcile.Observation{}, err
	}
	return obs, nil
}
