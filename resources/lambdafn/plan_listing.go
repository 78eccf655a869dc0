package lambdafn

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
)

var _ reconcile.PlanScoped = (*Kind)(nil)

// listPageSize is the most versions ListFunctions returns a page.
const listPageSize = 50

// BeginPlan implements reconcile.PlanScoped: the plan starting now lists
// the account afresh, so it never reads a function made or deleted since
// an earlier plan from that plan's listing.
func (k *Kind) BeginPlan() { k.plan.BeginPlan() }

// listing returns the listings of the current plan. A kind that never
// heard BeginPlan is not planning: it gets a fresh one that nobody keeps,
// so a caller using the kind on its own always reads the account as it is.
func (k *Kind) listing() *planListing {
	pl, _ := k.plan.InPlan()
	return pl
}

// planListing is what one plan listed of the account's functions, shared
// by ObserveBatch and List. Safe for concurrent use: a caller arriving
// while another lists waits for that listing and reads it.
type planListing struct {
	mu sync.Mutex
	// versions is the listing of every version, ListFunctions with
	// FunctionVersion=ALL; nil until a batch starts it. Each batch may
	// take it a few pages further, so the pages a small batch spent are
	// not lost when a larger one follows.
	versions *lambda.ListFunctionsPaginator
	// failed: a page of the version listing failed; the plan reads
	// versions per function from then on.
	failed bool
	// best and seen gather what the version listing has read so far: the
	// highest published version of each function (0 when none) and the
	// functions' names, which the $LATEST entries give (every function has
	// one; moto lists it too).
	best map[string]int64
	seen []string
	// latest maps every function of the account to its latest published
	// version ("" when none) once the version listing reached its end; nil
	// until then.
	latest map[string]string
	// names holds every function of the account once namesListed.
	names       []string
	namesListed bool
	// arns maps the functions listed so far to their unqualified ARNs.
	arns map[string]string
}

// noteARN keeps a listed function's unqualified ARN (the $LATEST entry of
// a listing of every version is qualified with it).
func (pl *planListing) noteARN(f types.FunctionConfiguration) {
	if pl.arns == nil {
		pl.arns = map[string]string{}
	}
	pl.arns[aws.ToString(f.FunctionName)] = strings.TrimSuffix(aws.ToString(f.FunctionArn), ":$LATEST")
}

// arn returns a listed function's unqualified ARN, "" if not listed.
func (pl *planListing) arn(name string) string {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.arns[name]
}

// latestVersions returns the latest published version of every function
// of the account, from the plan's one ListFunctions(FunctionVersion=ALL)
// listing, taking it at most maxPages pages further; a budget of 0 only
// reads what was listed. It returns nil while the listing has not reached
// its end, or after a page failed: the caller then reads each function's
// versions on its own, where a real problem (access denied) shows.
func (pl *planListing) latestVersions(ctx context.Context, api API, maxPages int) map[string]string {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.versions == nil {
		pl.versions = lambda.NewListFunctionsPaginator(api, &lambda.ListFunctionsInput{
			FunctionVersion: types.FunctionVersionAll,
			MaxItems:        aws.Int32(listPageSize),
		})
		pl.best = map[string]int64{}
	}
	for pages := 0; pages < maxPages && !pl.failed && pl.versions.HasMorePages(); pages++ {
		page, err := pl.versions.NextPage(ctx)
		if err != nil {
			pl.failed = true
			break
		}
		for _, f := range page.Functions {
			name, version := aws.ToString(f.FunctionName), aws.ToString(f.Version)
			if version == "$LATEST" {
				pl.seen = append(pl.seen, name)
				pl.noteARN(f)
			}
			n, _ := strconv.ParseInt(version, 10, 64) // $LATEST is 0
			if cur, ok := pl.best[name]; !ok || n > cur {
				pl.best[name] = n
			}
		}
	}
	if pl.latest == nil && !pl.failed && !pl.versions.HasMorePages() {
		pl.latest = make(map[string]string, len(pl.best))
		for name, n := range pl.best {
			pl.latest[name] = ""
			if n > 0 {
				pl.latest[name] = strconv.FormatInt(n, 10)
			}
		}
		if !pl.namesListed {
			pl.names, pl.namesListed = pl.seen, true
		}
	}
	return pl.latest
}

// functionNames returns the name of every function of the account. When
// the plan's version listing reached its end, its names serve; otherwise
// ListFunctions is called here without FunctionVersion=ALL, which takes
// fewer pages (one entry a function, not one a version) and is all List
// needs: it runs after the plan observed, and nothing reads versions
// then. That listing takes every page, unbounded as List always was: cut
// short, it could not tell which functions are unmanaged. The names are
// kept for the plan's other prefixes.
func (pl *planListing) functionNames(ctx context.Context, api API) ([]string, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.namesListed {
		return pl.names, nil
	}
	var names []string
	p := lambda.NewListFunctionsPaginator(api, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
			pl.noteARN(f)
		}
	}
	pl.names, pl.namesListed = names, true
	return names, nil
}
