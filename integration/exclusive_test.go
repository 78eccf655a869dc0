//go:build integration

package integration

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"
)

const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// TestWholeStackOwnsWhatHangsOffItsResources applies spec.yaml, then
// attaches by hand what AWS lets anyone attach to the stack's role,
// repository, log group and OIDC provider; the drift check must class each
// as out of band with a diff naming the addition, apply must remove it (as
// the SDK lists), and the re-plan must be clean.
func TestWholeStackOwnsWhatHangsOffItsResources(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	mustApply(t, dir)
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan after the first apply: %v\n%s", p.changed(), r)
	}
	ic, repos, logs := iam.NewFromConfig(cfg), ecr.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)
	agentRepo, agentLogs := "trip-assistant-agent-dev", "/aws/lambda/"+agentFn

	// An inline policy granting * on *, and a customer managed one attached.
	must(t, err2(ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(agentFn), PolicyName: aws.String("by-hand"), PolicyDocument: aws.String(adminPolicy)})))
	admin, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("by-hand-admin"), PolicyDocument: aws.String(adminPolicy)})
	must(t, err)
	must(t, err2(ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(agentFn), PolicyArn: admin.Policy.Arn})))
	// A repository policy letting anyone pull.
	must(t, err2(repos.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String(agentRepo), PolicyText: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"anyone","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}`)})))
	// A subscription filter shipping every event to a function.
	fn, err := lambda.NewFromConfig(cfg).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(apiFn)})
	must(t, err)
	must(t, err2(logs.PutSubscriptionFilter(ctx, &cloudwatchlogs.PutSubscriptionFilterInput{
		LogGroupName: aws.String(agentLogs), FilterName: aws.String("by-hand"), FilterPattern: aws.String(""), DestinationArn: fn.Configuration.FunctionArn})))
	// A tag on the OIDC provider.
	providers, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	must(t, err)
	if len(providers.OpenIDConnectProviderList) != 1 {
		t.Fatalf("OIDC providers: %v", providers.OpenIDConnectProviderList)
	}
	provider := providers.OpenIDConnectProviderList[0].Arn
	must(t, err2(ic.TagOpenIDConnectProvider(ctx, &iam.TagOpenIDConnectProviderInput{OpenIDConnectProviderArn: provider, Tags: []iamtypes.Tag{{Key: aws.String("by-hand"), Value: aws.String("x")}}})))

	p, r := plan(t, dir)
	if r.Code != 2 {
		t.Fatalf("drift check: want exit 2, got %s", r)
	}
	want := []string{"agent_logs:update:out_of_band_change", "agent_repo:update:out_of_band_change", "agent_role:update:out_of_band_change"}
	if d := cmp.Diff(want, sorted(p.changed())); d != "" {
		t.Fatalf("classified changes (-want +got):\n%s\n%s", d, r)
	}
	wantPaths := map[string][]string{
		"agent_logs": {"subscription_filters"}, "agent_repo": {"policy"},
		"agent_role": {"inline_policies", "managed_policy_arns"},
	}
	for _, c := range p.Changes {
		if w, ok := wantPaths[c.Name]; ok {
			var got []string
			for _, d := range c.Diff {
				got = append(got, d.Path)
			}
			if d := cmp.Diff(w, sorted(got)); d != "" {
				t.Errorf("%s diff paths (-want +got):\n%s", c.Name, d)
			}
		}
	}
	if p.Summary.Drift != len(want) {
		t.Errorf("summary drift = %d, want %d", p.Summary.Drift, len(want))
	}

	// The provider is account.yaml's: its plan sees the tag, dev's does not.
	acct, r := plan(t, dir, "--spec", "account.yaml")
	if d := cmp.Diff([]string{"github_oidc:update:out_of_band_change"}, acct.changed()); r.Code != 2 || d != "" {
		t.Fatalf("account.yaml's drift check (-want +got):\n%s\n%s", d, r)
	}
	if r := reconcile(t, dir, "--spec", "account.yaml"); r.Code != 0 {
		t.Fatalf("apply account.yaml: %s", r)
	}
	mustApply(t, dir)

	inline, err := ic.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(agentFn)})
	must(t, err)
	if d := cmp.Diff([]string{"agent"}, inline.PolicyNames); d != "" {
		t.Errorf("inline policies after apply (-want +got):\n%s", d)
	}
	attached, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(agentFn)})
	must(t, err)
	if len(attached.AttachedPolicies) != 0 {
		t.Errorf("managed policies still attached: %v", attached.AttachedPolicies)
	}
	_, err = repos.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String(agentRepo)})
	var noPolicy *ecrtypes.RepositoryPolicyNotFoundException
	if !errors.As(err, &noPolicy) {
		t.Errorf("repository policy after apply: err = %v, want RepositoryPolicyNotFoundException", err)
	}
	filters, err := logs.DescribeSubscriptionFilters(ctx, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: aws.String(agentLogs)})
	must(t, err)
	if len(filters.SubscriptionFilters) != 0 {
		t.Errorf("subscription filters after apply: %v", filters.SubscriptionFilters)
	}
	tags, err := ic.ListOpenIDConnectProviderTags(ctx, &iam.ListOpenIDConnectProviderTagsInput{OpenIDConnectProviderArn: provider})
	must(t, err)
	if slices.ContainsFunc(tags.Tags, func(t iamtypes.Tag) bool { return aws.ToString(t.Key) == "by-hand" }) {
		t.Errorf("OIDC provider still tagged by hand: %v", tags.Tags)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after apply the drift check must be clean: %v\n%s", p.changed(), r)
	}
}
