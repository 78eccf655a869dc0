package tfimport

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/kinds"
	"github.com/trip-assistant/stack/tfstate"
)

var fixture = filepath.Join("..", "testdata", "trip-assistant.tfstate")

func loadFixture(t *testing.T) (*Set, map[string]reconcile.Kind) {
	t.Helper()
	st, err := tfstate.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	ks := kinds.All(aws.Config{})
	set, err := Convert(st, ks)
	if err != nil {
		t.Fatal(err)
	}
	return set, ks
}

func loadSpec(t *testing.T, path string, ks map[string]reconcile.Kind) *spec.Spec {
	t.Helper()
	s, err := spec.LoadFile(path, spec.LoadOptions{Types: reconcile.Schemas(ks), AllowUnsetInputs: true, LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The project's own spec.yaml against the state the team's Terraform
// keeps: every resource of the spec is found, by name or through the API
// it belongs to, and gets the id its kind records.
func TestMatchRepositorySpec(t *testing.T) {
	set, ks := loadFixture(t)
	res, err := Match(set, loadSpec(t, filepath.Join("..", "..", "spec.yaml"), ks), ks)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Address, Type, ID string }
	var got []row
	for _, m := range res.Matched {
		got = append(got, row{m.Name, m.Address, m.Record.Type, m.Record.ID})
		if m.Record.Digest != "" {
			t.Errorf("%s: digest %q, want none (imported, not applied)", m.Name, m.Record.Digest)
		}
	}
	want := []row{
		{"openai_key", "module.ssm.aws_ssm_parameter.openai_api_key", "ssm.parameter", "/trip-assistant/dev/openai-api-key"},
		{"agent_repo", `module.ecr.aws_ecr_repository.this["agent"]`, "ecr.repository", "trip-assistant-agent-dev;force"},
		{"api_repo", `module.ecr.aws_ecr_repository.this["api"]`, "ecr.repository", "trip-assistant-api-dev;force"},
		{"agent_logs", "module.agent_lambda.aws_cloudwatch_log_group.this", "logs.log_group", "/aws/lambda/trip-assistant-agent-dev"},
		{"api_logs", "module.api_lambda.aws_cloudwatch_log_group.this", "logs.log_group", "/aws/lambda/trip-assistant-api-dev"},
		{"agent_role", "module.agent_lambda.aws_iam_role.this", "iam.role", "trip-assistant-agent-dev"},
		{"agent_policy", "module.agent_lambda.aws_iam_role_policy.this", "iam.role_policy", "trip-assistant-agent-dev:agent"},
		{"agent", "module.agent_lambda.aws_lambda_function.this", "lambda.function", "trip-assistant-agent-dev"},
		{"agent_live", "module.agent_lambda.aws_lambda_alias.live", "lambda.alias", "trip-assistant-agent-dev:live"},
		{"api_role", "module.api_lambda.aws_iam_role.this", "iam.role", "trip-assistant-api-dev"},
		{"api_policy", "module.api_lambda.aws_iam_role_policy.this", "iam.role_policy", "trip-assistant-api-dev:api"},
		{"api", "module.api_lambda.aws_lambda_function.this", "lambda.function", "trip-assistant-api-dev"},
		{"api_live", "module.api_lambda.aws_lambda_alias.live", "lambda.alias", "trip-assistant-api-dev:live"},
		{"http_api", "module.api_gateway.aws_apigatewayv2_api.this", "apigw.api", "a1b2c3d4e5"},
		{"api_integration", "module.api_gateway.aws_apigatewayv2_integration.lambda", "apigw.integration", "a1b2c3d4e5/k7x9p2q"},
		{"default_route", "module.api_gateway.aws_apigatewayv2_route.default", "apigw.route", "a1b2c3d4e5/r4t5y6u"},
		{"default_stage", "module.api_gateway.aws_apigatewayv2_stage.default", "apigw.stage", "a1b2c3d4e5/$default"},
		{"api_invoke_permission", "module.api_gateway.aws_lambda_permission.api_gateway", "lambda.permission", "trip-assistant-api-dev:live:AllowHttpApiInvoke"},
		{"deploy_role", "module.github_oidc.aws_iam_role.deploy", "iam.role", "trip-assistant-deploy-dev"},
		{"deploy_policy", "module.github_oidc.aws_iam_role_policy.deploy", "iam.role_policy", "trip-assistant-deploy-dev:deploy"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("matched (-want +got):\n%s", diff)
	}
	// The account's OIDC provider is spec.yaml's data source: account.yaml
	// owns it, so spec.yaml leaves it unmatched.
	const oidc = "module.github_oidc.aws_iam_openid_connect_provider.github[0]"
	if len(res.UnmatchedInstances) != 1 || res.UnmatchedInstances[0].Address != oidc || len(res.UnmatchedSpec) != 0 {
		t.Errorf("unmatched: instances %+v, spec %+v; want only the OIDC provider", res.UnmatchedInstances, res.UnmatchedSpec)
	}
	// The parts are merged into the resources they are fields of.
	parts := map[string][]string{}
	for _, m := range res.Matched {
		if len(m.Parts) > 0 {
			parts[m.Name] = m.Parts
		}
	}
	wantParts := map[string][]string{
		"agent_repo": {`module.ecr.aws_ecr_lifecycle_policy.this["agent"]`},
		"api_repo":   {`module.ecr.aws_ecr_lifecycle_policy.this["api"]`},
		"agent_role": {"module.agent_lambda.aws_iam_role_policy_attachment.basic[0]"},
		"api_role":   {"module.api_lambda.aws_iam_role_policy_attachment.basic[0]"},
	}
	if diff := cmp.Diff(wantParts, parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	acct, err := Match(set, loadSpec(t, filepath.Join("..", "..", "account.yaml"), ks), ks)
	if err != nil {
		t.Fatal(err)
	}
	if len(acct.Matched) != 1 || acct.Matched[0].Address != oidc || acct.Matched[0].Record.ID != "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" {
		t.Errorf("account.yaml matched %+v, want the OIDC provider", acct.Matched)
	}
	if rec := acct.State()["github_oidc"]; !rec.Protect {
		t.Errorf("github_oidc is not protected by account.yaml: %+v", rec)
	}
}

func TestMatchFindings(t *testing.T) {
	ks := kinds.All(aws.Config{})
	set := &Set{Region: "us-east-2", AccountID: "123456789012"}
	add := func(addr, typ, id string, props spec.Props, attrs map[string]string) {
		key, ok := ks[typ].(tfstate.Importer).ImportKey(props)
		if !ok {
			t.Fatalf("%s: no key", addr)
		}
		set.Resources = append(set.Resources, &Resource{Address: addr, Type: typ, Key: key, Imported: tfstate.Imported{ID: id, Props: props, Attrs: attrs}})
	}
	add("aws_apigatewayv2_api.a", "apigw.api", "api1", spec.Props{"name": "p-dev"}, map[string]string{"id": "api1"})
	add("aws_apigatewayv2_route.r", "apigw.route", "api1/r1", spec.Props{"api_id": "api1", "route_key": "GET /x"}, nil)
	add("aws_cloudwatch_log_group.a", "logs.log_group", "/dup", spec.Props{"name": "/dup"}, nil)
	add("aws_cloudwatch_log_group.b", "logs.log_group", "/dup", spec.Props{"name": "/dup"}, nil)
	add("aws_cloudwatch_log_group.extra", "logs.log_group", "/extra", spec.Props{"name": "/extra"}, nil)
	set.Skipped = []Skipped{{"aws_sqs_queue.q", "no kind manages aws_sqs_queue: left to Terraform"}}
	sv := specView{Project: "p", Environment: "dev", Region: "us-east-2", Resources: []specResource{
		{Name: "api", Type: "apigw.api", Props: spec.Props{"name": "${project}-${environment}"}},
		{Name: "route_x", Type: "apigw.route", Props: spec.Props{"api_id": "${api.id}", "route_key": "GET /x"}, Deps: []string{"api"}},
		{Name: "route_y", Type: "apigw.route", Props: spec.Props{"api_id": "${api.id}", "route_key": "GET /y"}, Deps: []string{"api"}},
		{Name: "other_api", Type: "apigw.api", Props: spec.Props{"name": "other"}},
		{Name: "other_route", Type: "apigw.route", Props: spec.Props{"api_id": "${other_api.id}", "route_key": "GET /x"}, Deps: []string{"other_api"}},
		{Name: "dup", Type: "logs.log_group", Props: spec.Props{"name": "/dup"}},
		{Name: "same_x", Type: "apigw.route", Props: spec.Props{"api_id": "${api.id}", "route_key": "GET /x"}, Deps: []string{"api"}},
	}}
	res, err := match(set, sv, ks)
	if err != nil {
		t.Fatal(err)
	}
	var matched []string
	for _, m := range res.Matched {
		matched = append(matched, m.Name+"="+m.Record.ID)
	}
	if diff := cmp.Diff([]string{"api=api1", "route_x=api1/r1"}, matched); diff != "" {
		t.Errorf("matched (-want +got):\n%s", diff)
	}
	want := []Finding{
		{Name: "route_y", Type: "apigw.route", Reason: "no instance in the Terraform state has its identity (api1, GET /y)", Action: "the plan shows it as new in the spec: the next apply creates it"},
		{Name: "other_api", Type: "apigw.api", Reason: "no instance in the Terraform state has its identity (other)", Action: "the plan shows it as new in the spec: the next apply creates it"},
		{Name: "other_route", Type: "apigw.route", Reason: "its identity depends on other_api, which matched no instance", Action: "the plan shows it as new in the spec: the next apply creates it"},
		{Name: "dup", Type: "logs.log_group", Reason: "2 instances in the Terraform state have its identity: aws_cloudwatch_log_group.a, aws_cloudwatch_log_group.b", Action: "keep one of them in the Terraform state (terraform state rm the others) and import again"},
		{Name: "same_x", Type: "apigw.route", Reason: "aws_apigatewayv2_route.r is already matched to route_x", Action: "two spec resources describe the same AWS resource: remove one from the spec"},
	}
	if diff := cmp.Diff(want, res.UnmatchedSpec); diff != "" {
		t.Errorf("unmatched spec (-want +got):\n%s", diff)
	}
	var instances []string
	for _, f := range res.UnmatchedInstances {
		instances = append(instances, f.Address+": "+f.Reason)
	}
	wantInstances := []string{
		"aws_cloudwatch_log_group.a: no resource of the spec has its identity (/dup)",
		"aws_cloudwatch_log_group.b: no resource of the spec has its identity (/dup)",
		"aws_cloudwatch_log_group.extra: no resource of the spec has its identity (/extra)",
		"aws_sqs_queue.q: no kind manages aws_sqs_queue: left to Terraform",
	}
	if diff := cmp.Diff(wantInstances, instances); diff != "" {
		t.Errorf("unmatched instances (-want +got):\n%s", diff)
	}

	sv.Region = "eu-west-1"
	if _, err := match(set, sv, ks); err == nil || !strings.Contains(err.Error(), "in us-east-2 and the spec's region is eu-west-1") {
		t.Errorf("region mismatch: error = %v", err)
	}
}
