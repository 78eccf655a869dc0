package lambdafn

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

var _ reconcile.BatchObserver = (*Kind)(nil)

// observeParallelism bounds the GetFunction calls of one batch in flight:
// the engine gives a batch one of its slots, and a stack of a hundred
// functions read one by one would make the plan wait.
const observeParallelism = 8

// ObserveBatch implements reconcile.BatchObserver. Each function still
// needs its GetFunction (ListFunctions carries neither the image nor the
// tags), and its GetPolicy and GetFunctionUrlConfig (what it owns
// exclusively), but the latest published version of every function comes
// from one ListFunctions(FunctionVersion=ALL) listing, 50 versions a page,
// instead of a ListVersionsByFunction each. The listing is made once a
// plan and List takes its names from it: a no-change plan of N functions
// in an account holding V versions makes 3N + V/50 calls rather than 4N
// plus List's own pages.
//
// The listing covers the whole account and region, so each batch takes
// it only a few pages further (see listPages); until it reaches its end,
// and after it failed, functions are listed one by one. A function the
// finished listing did not see at all (made meanwhile) is listed on its
// own too.
func (k *Kind) ObserveBatch(ctx context.Context, reqs []reconcile.ObserveRequest) ([]reconcile.Observation, error) {
	names := make([]string, len(reqs))
	wanted := map[string]bool{}
	for i, r := range reqs {
		names[i] = requestName(r)
		if names[i] != "" {
			wanted[names[i]] = true
		}
	}
	var versions map[string]string
	var listed sync.WaitGroup
	listed.Go(func() { versions = k.listing().latestVersions(ctx, k.api, listPages(len(wanted))) })

	type read struct {
		out  *lambda.GetFunctionOutput
		sids []string
		url  string
		err  error
	}
	reads := make(map[string]*read, len(wanted))
	for name := range wanted {
		reads[name] = &read{}
	}
	sem := make(chan struct{}, observeParallelism)
	var wg sync.WaitGroup
	for name, r := range reads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r.out, r.err = k.getFunction(ctx, name)
			if r.err == nil && r.out != nil {
				r.sids, r.url, r.err = k.attachments(ctx, name)
			}
		}()
	}
	wg.Wait()
	listed.Wait()

	obs := make([]reconcile.Observation, len(reqs))
	for i, r := range reqs {
		name := names[i]
		if name == "" {
			continue
		}
		rd := reads[name]
		if rd.err != nil {
			return nil, rd.err
		}
		if rd.out == nil {
			continue // absent
		}
		version, ok := versions[name]
		if !ok {
			var err error
			if version, err = k.latestVersion(ctx, name); err != nil {
				return nil, err
			}
		}
		obs[i] = observation(name, rd.out, version)
		obs[i].Props["permissions"] = spec.StringListValue(rd.sids)
		obs[i].Props["function_url"] = rd.url
		obs[i].Props["publish"] = desiredPublish(r.Desired)
	}
	return obs, nil
}

// listPages is how many more pages of the version listing a batch naming
// n functions may read: half the calls the listing saves it, its n
// ListVersionsByFunction and the first page of List's own listing, which
// List would make anyway. So a batch of one function lists too: one page
// that ends the listing replaces two calls, and later batches of the plan
// read it for free (functions often sit at different levels: the api
// function waits for the agent's alias). A batch naming no function
// lists nothing. The pages a batch reads are not lost when the listing
// does not end there: a later batch goes on from where it stopped.
func listPages(n int) int { return (n + 1) / 2 }
