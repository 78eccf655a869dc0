package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/trip-assistant/stack/reconcile"
)

// Item is one resource found in AWS.
type Item struct {
	Type string // the spec's type name
	// ID is the resource's id in the form the state records it, so the
	// two can be compared.
	ID string
	// Identity is what makes two of them the same resource made twice:
	// the name for an API (not unique in AWS), the target for an
	// integration, the key for a route; the ID where AWS keeps it unique.
	Identity string
}

// Inventory lists, through the SDK, everything of every kind of spec.yaml
// whose name carries project (the OIDC providers of the account too: an
// emulator account holds only the stack's), except what the account stack
// (account.yaml) owns and the stack only reads.
func Inventory(ctx context.Context, cfg aws.Config, project string) ([]Item, error) {
	var items []Item
	add := func(typ, id, identity string) {
		if identity == "" {
			identity = id
		}
		items = append(items, Item{Type: typ, ID: id, Identity: identity})
	}
	owned := func(name string) bool { return strings.HasPrefix(name, project) }

	sc := ssm.NewFromConfig(cfg)
	for p := ssm.NewDescribeParametersPaginator(sc, &ssm.DescribeParametersInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list ssm parameters: %w", err)
		}
		for _, pm := range page.Parameters {
			if n := aws.ToString(pm.Name); strings.HasPrefix(n, "/"+project+"/") {
				add("ssm.parameter", n, "")
			}
		}
	}
	lc := cloudwatchlogs.NewFromConfig(cfg)
	for p := cloudwatchlogs.NewDescribeLogGroupsPaginator(lc, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/" + project)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			add("logs.log_group", aws.ToString(g.LogGroupName), "")
		}
	}
	for p := ecr.NewDescribeRepositoriesPaginator(ecr.NewFromConfig(cfg), &ecr.DescribeRepositoriesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list ecr repositories: %w", err)
		}
		for _, r := range page.Repositories {
			if n := aws.ToString(r.RepositoryName); owned(n) {
				add("ecr.repository", n, "")
			}
		}
	}
	ic := iam.NewFromConfig(cfg)
	for p := iam.NewListRolesPaginator(ic, &iam.ListRolesInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot list iam roles: %w", err)
		}
		for _, r := range page.Roles {
			name := aws.ToString(r.RoleName)
			if !owned(name) {
				continue
			}
			add("iam.role", name, "")
			pols, err := ic.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName})
			if err != nil {
				return nil, fmt.Errorf("cannot list the inline policies of iam role %s: %w", name, err)
			}
			for _, pn := range pols.PolicyNames {
				add("iam.role_policy", name+":"+pn, "")
			}
		}
	}
	oidc, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return nil, fmt.Errorf("cannot list oidc providers: %w", err)
	}
	for _, p := range oidc.OpenIDConnectProviderList {
		// The provider account.yaml owns is the account stack's: spec.yaml
		// only reads it (data:), so it is not this stack's resource.
		tags, err := ic.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: p.Arn})
		if err != nil {
			return nil, fmt.Errorf("cannot list the tags of oidc provider %s: %w", aws.ToString(p.Arn), err)
		}
		accountStack := false
		for _, t := range tags.Tags {
			accountStack = accountStack || (aws.ToString(t.Key) == "reconcile:stack" && aws.ToString(t.Value) == project+"/account")
		}
		if !accountStack {
			add("iam.oidc_provider", aws.ToString(p.Arn), "")
		}
	}
	if err := lambdaInventory(ctx, lambda.NewFromConfig(cfg), owned, add); err != nil {
		return nil, err
	}
	if err := apiInventory(ctx, apigatewayv2.NewFromConfig(cfg), owned, add); err != nil {
		return nil, err
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Type != items[j].Type {
			return items[i].Type < items[j].Type
		}
		return items[i].ID < items[j].ID
	})
	return items, nil
}

func lambdaInventory(ctx context.Context, lc *lambda.Client, owned func(string) bool, add func(typ, id, identity string)) error {
	for p := lambda.NewListFunctionsPaginator(lc, &lambda.ListFunctionsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("cannot list lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			name := aws.ToString(f.FunctionName)
			if !owned(name) {
				continue
			}
			add("lambda.function", name, "")
			aliases, err := lc.ListAliases(ctx, &lambda.ListAliasesInput{FunctionName: f.FunctionName})
			if err != nil {
				return fmt.Errorf("cannot list the aliases of lambda function %s: %w", name, err)
			}
			qualifiers := []string{""}
			seen := map[string]bool{}
			for _, a := range aliases.Aliases {
				add("lambda.alias", name+":"+aws.ToString(a.Name), "")
				qualifiers = append(qualifiers, aws.ToString(a.Name))
			}
			for _, q := range qualifiers {
				in := &lambda.GetPolicyInput{FunctionName: f.FunctionName}
				if q != "" {
					in.Qualifier = aws.String(q)
				}
				pol, err := lc.GetPolicy(ctx, in)
				var nf *lambdatypes.ResourceNotFoundException
				if errors.As(err, &nf) {
					continue
				}
				if err != nil {
					return fmt.Errorf("cannot read the policy of lambda function %s:%s: %w", name, q, err)
				}
				var doc struct {
					Statement []struct{ Sid, Resource string }
				}
				if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
					return fmt.Errorf("cannot parse the policy of lambda function %s:%s: %w", name, q, err)
				}
				for _, st := range doc.Statement {
					// The statement's resource says what it covers: moto
					// answers an alias's statements for the function too.
					qual := ""
					if _, after, ok := strings.Cut(st.Resource, ":function:"+name+":"); ok {
						qual = after
					}
					id := name + ":" + qual + ":" + st.Sid
					if !seen[id] {
						seen[id] = true
						add("lambda.permission", id, "")
					}
				}
			}
		}
	}
	return nil
}

func apiInventory(ctx context.Context, gw *apigatewayv2.Client, owned func(string) bool, add func(typ, id, identity string)) error {
	apis, err := gw.GetApis(ctx, &apigatewayv2.GetApisInput{})
	if err != nil {
		return fmt.Errorf("cannot list http apis: %w", err)
	}
	for _, a := range apis.Items {
		name, id := aws.ToString(a.Name), aws.ToString(a.ApiId)
		if !owned(name) {
			continue
		}
		add("apigw.api", id, "name="+name)
		ints, err := gw.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: a.ApiId})
		if err != nil {
			return fmt.Errorf("cannot list the integrations of http api %s: %w", id, err)
		}
		for _, i := range ints.Items {
			add("apigw.integration", id+"/"+aws.ToString(i.IntegrationId), id+" uri="+aws.ToString(i.IntegrationUri))
		}
		routes, err := gw.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: a.ApiId})
		if err != nil {
			return fmt.Errorf("cannot list the routes of http api %s: %w", id, err)
		}
		for _, r := range routes.Items {
			add("apigw.route", id+"/"+aws.ToString(r.RouteId), id+" key="+aws.ToString(r.RouteKey))
		}
		stages, err := gw.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: a.ApiId})
		if err != nil {
			return fmt.Errorf("cannot list the stages of http api %s: %w", id, err)
		}
		for _, s := range stages.Items {
			add("apigw.stage", id+"/"+aws.ToString(s.StageName), "")
		}
	}
	return nil
}

// Audit compares what AWS holds with what a state records.
type Audit struct {
	Resources int // of the stack, in AWS
	// Duplicates are resources made more than once: for each identity,
	// the copies beyond the first.
	Duplicates []string
	// InAWSOnly are resources of the stack that no state entry names.
	InAWSOnly []string
	// InStateOnly are state entries whose resource AWS does not have.
	InStateOnly []string
}

// Orphans is the number of orphans either way.
func (a Audit) Orphans() int { return len(a.InAWSOnly) + len(a.InStateOnly) }

// Compare audits items against the state (nil: no state).
func Compare(items []Item, state *reconcile.State) Audit {
	var a Audit
	a.Resources = len(items)
	recorded := map[string]bool{}
	if state != nil {
		for name, r := range state.Resources {
			id := stateID(r)
			recorded[r.Type+" "+id] = true
			found := false
			for _, it := range items {
				if it.Type == r.Type && it.ID == id {
					found = true
					break
				}
			}
			if !found {
				a.InStateOnly = append(a.InStateOnly, fmt.Sprintf("%s %s (%s)", r.Type, r.ID, name))
			}
		}
	}
	byIdentity := map[string][]Item{}
	for _, it := range items {
		k := it.Type + " " + it.Identity
		byIdentity[k] = append(byIdentity[k], it)
	}
	for k, group := range byIdentity {
		for _, it := range group[1:] {
			a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s (%s)", k, it.ID))
		}
		// Whatever the state does not name is an orphan, a duplicate's
		// unrecorded copy included.
		for _, it := range group {
			if !recorded[it.Type+" "+it.ID] {
				a.InAWSOnly = append(a.InAWSOnly, it.Type+" "+it.ID)
			}
		}
	}
	sort.Strings(a.Duplicates)
	sort.Strings(a.InAWSOnly)
	sort.Strings(a.InStateOnly)
	return a
}

// stateID is a state entry's id in the form Inventory reports it: an ECR
// repository's id carries its force_delete setting after a ';'.
func stateID(r reconcile.StateResource) string {
	if r.Type == "ecr.repository" {
		id, _, _ := strings.Cut(r.ID, ";")
		return id
	}
	return r.ID
}
