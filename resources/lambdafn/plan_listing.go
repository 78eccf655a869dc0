package lambdafn

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
)

var _ reconcile.PlanScoped = (*Kind)(nil)

// BeginPlan implements reconcile.PlanScoped: the plan starting now lists
// the account afresh, so it never reads a function made or deleted since
// an earlier plan from that plan's listing, and reads each resource policy
// again.
func (k *Kind) BeginPlan() {
	k.plan.BeginPlan()
	k.policies.BeginPlan()
}

// listing returns the listings of the current plan. A kind that never
// heard BeginPlan is not planning: it gets a fresh one that nobody keeps,
// so a caller using the kind on its own always reads the account as it is.
func (k *Kind) listing() *planListing {
	pl, _ := k.plan.InPlan()
	return pl
}

// planListing is what one plan listed of the account's functions: their
// names, for List's prefixes. Safe for concurrent use: a caller arriving
// while another lists waits for that listing and reads it.
//
// Observation never lists the account (see ObserveBatch): only the
// unmanaged report does, because ListFunctions has no name filter.
type planListing struct {
	mu          sync.Mutex
	names       []string
	namesListed bool
	// arns maps the functions listed so far to their unqualified ARNs.
	arns map[string]string
}

// noteARN keeps a listed function's unqualified ARN.
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

// functionNames returns the name of every function of the account, from
// ListFunctions without FunctionVersion=ALL (one entry a function, not
// one a version). It takes every page: cut short, it could not tell which
// functions are unmanaged. The names are kept for the plan's other
// prefixes.
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
