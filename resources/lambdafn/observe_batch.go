package lambdafn

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
)

var _ reconcile.BatchObserver = (*Kind)(nil)

const (
	// batchListMin is the smallest batch for which one account-wide
	// listing of versions is tried instead of a ListVersionsByFunction per
	// function.
	batchListMin = 4
	// listPageSize is the most versions ListFunctions returns a page.
	listPageSize = 50
	// observeParallelism bounds the GetFunction calls of one batch in
	// flight: the engine gives a batch one of its slots, and a stack of
	// a hundred functions read one by one would make the plan wait.
	observeParallelism = 8
)

// ObserveBatch implements reconcile.BatchObserver. Each function still
// needs its GetFunction (ListFunctions carries neither the image nor the
// tags), but the latest published version of every function comes from
// one ListFunctions(FunctionVersion=ALL) listing, 50 versions a page,
// instead of a ListVersionsByFunction each: a no-change plan of N
// functions makes N + N·versions/50 calls rather than 2N.
//
// The listing covers the whole account and region, so it is bounded: when
// it would take more pages than half the calls it saves (an account with
// many functions or versions), it stops and the batch falls back to one
// listing per function. A function the listing did not see at all (made
// meanwhile) is listed on its own too.
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
	var listErr error
	var listed sync.WaitGroup
	if len(wanted) >= batchListMin {
		listed.Add(1)
		go func() {
			defer listed.Done()
			versions, listErr = k.listLatestVersions(ctx, wanted, max(1, len(wanted)/2))
		}()
	}

	type read struct {
		out *lambda.GetFunctionOutput
		err error
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
		}()
	}
	wg.Wait()
	listed.Wait()
	if listErr != nil {
		return nil, listErr
	}

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
		obs[i].Props["publish"] = desiredPublish(r.Desired)
	}
	return obs, nil
}

// listLatestVersions lists every function version of the account and
// returns the latest published version of each wanted function it saw
// ("" when only $LATEST exists). It returns nil after maxPages pages
// without reaching the end: the caller lists those functions one by one.
func (k *Kind) listLatestVersions(ctx context.Context, wanted map[string]bool, maxPages int) (map[string]string, error) {
	best := map[string]int64{}
	p := lambda.NewListFunctionsPaginator(k.api, &lambda.ListFunctionsInput{
		FunctionVersion: types.FunctionVersionAll,
		MaxItems:        aws.Int32(listPageSize),
	})
	for pages := 0; p.HasMorePages(); pages++ {
		if pages == maxPages {
			return nil, nil
		}
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list lambda function versions: %w", err)
		}
		for _, f := range page.Functions {
			name := aws.ToString(f.FunctionName)
			if !wanted[name] {
				continue
			}
			n, _ := strconv.ParseInt(aws.ToString(f.Version), 10, 64) // $LATEST is 0
			if cur, seen := best[name]; !seen || n > cur {
				best[name] = n
			}
		}
	}
	out := make(map[string]string, len(best))
	for name, n := range best {
		out[name] = ""
		if n > 0 {
			out[name] = strconv.FormatInt(n, 10)
		}
	}
	return out, nil
}
