//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apitypes "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
)

const (
	agentFn = "trip-assistant-agent-dev"
	apiFn   = "trip-assistant-api-dev"
)

// TestWholeStack applies the repository's spec.yaml from empty, checks that
// a re-plan is clean, then makes each out-of-band change the drift check
// must explain, and finally destroys everything.
func TestWholeStack(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")

	if r := reconcile(t, dir, "outputs", "--spec", "spec.yaml"); r.Code != 1 || !strings.Contains(r.Stderr, "apply the spec first") {
		t.Errorf("outputs before any apply: %s", r)
	}
	mustApply(t, dir)
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan after the first apply: %v\n%s", p.changed(), r)
	}

	// The outputs are recorded next to the state: CD reads them without the
	// secret and without reading any resource.
	out := reconcileEnv(t, dir, []string{"OPENAI_API_KEY="}, "outputs", "--spec", "spec.yaml", "--output", "json")
	var outputs map[string]string
	if err := json.Unmarshal([]byte(out.Stdout), &outputs); err != nil || out.Code != 0 {
		t.Fatalf("reconcile outputs: %v\n%s", err, out)
	}
	if !strings.HasPrefix(outputs["api_url"], "https://") || outputs["api_function_name"] != apiFn || !strings.HasSuffix(outputs["agent_repository_url"], "/trip-assistant-agent-dev") {
		t.Errorf("outputs = %v", outputs)
	}

	lam := lambda.NewFromConfig(cfg)
	fn, err := lam.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(agentFn)})
	if err != nil {
		t.Fatal(err)
	}
	if got := fn.Configuration.Architectures; len(got) != 1 || got[0] != lambdatypes.ArchitectureArm64 {
		t.Errorf("architectures = %v", got)
	}
	if aws.ToInt32(fn.Configuration.MemorySize) != 512 || aws.ToInt32(fn.Configuration.Timeout) != 30 {
		t.Errorf("memory/timeout = %d/%d", aws.ToInt32(fn.Configuration.MemorySize), aws.ToInt32(fn.Configuration.Timeout))
	}

	cases := []struct {
		name   string
		break_ func(t *testing.T)
		want   []string // name:action:class of what the plan must show
		// gone, when set, checks through the SDK that apply undid it.
		gone func(t *testing.T)
	}{
		{"log retention changed", func(t *testing.T) {
			must(t, err2(cloudwatchlogs.NewFromConfig(cfg).PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/" + agentFn), RetentionInDays: aws.Int32(90)})))
		}, []string{"agent_logs:update:out_of_band_change"}, nil},
		{"function memory and an environment variable changed", func(t *testing.T) {
			must(t, err2(lam.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
				FunctionName: aws.String(agentFn), MemorySize: aws.Int32(1024),
				Environment: &lambdatypes.Environment{Variables: map[string]string{"SSM_PARAMETER_NAME": "/trip-assistant/dev/openai-api-key", "ENVIRONMENT": "hacked"}},
			})))
		}, []string{"agent:update:out_of_band_change", "agent_live:update:dependency_changed"}, nil},
		{"alias moved to another version", func(t *testing.T) {
			must(t, err2(lam.UpdateAlias(ctx, &lambda.UpdateAliasInput{FunctionName: aws.String(agentFn), Name: aws.String("live"), FunctionVersion: aws.String("1")})))
		}, []string{"agent_live:update:out_of_band_change"}, nil},
		{"extra statement in a role policy", func(t *testing.T) {
			c := iam.NewFromConfig(cfg)
			out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(agentFn), PolicyName: aws.String("agent")})
			must(t, err)
			raw, _ := url.QueryUnescape(aws.ToString(out.PolicyDocument))
			var doc map[string]any
			must(t, json.Unmarshal([]byte(raw), &doc))
			doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
			b, _ := json.Marshal(doc)
			must(t, err2(c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(agentFn), PolicyName: aws.String("agent"), PolicyDocument: aws.String(string(b))})))
		}, []string{"agent_policy:update:out_of_band_change"}, nil},
		{"CORS origins changed", func(t *testing.T) {
			id := apiID(t, cfg)
			must(t, err2(apigatewayv2.NewFromConfig(cfg).UpdateApi(ctx, &apigatewayv2.UpdateApiInput{ApiId: aws.String(id), CorsConfiguration: &apitypes.Cors{
				AllowOrigins: []string{"https://evil.example"}, AllowMethods: []string{"GET", "POST", "OPTIONS"}, AllowHeaders: []string{"content-type"}, MaxAge: aws.Int32(3600),
			}})))
		}, []string{"http_api:update:out_of_band_change"}, nil},
		{"$default route deleted", func(t *testing.T) {
			gw := apigatewayv2.NewFromConfig(cfg)
			id := apiID(t, cfg)
			routes, err := gw.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
			must(t, err)
			for _, r := range routes.Items {
				must(t, err2(gw.DeleteRoute(ctx, &apigatewayv2.DeleteRouteInput{ApiId: aws.String(id), RouteId: r.RouteId})))
			}
		}, []string{"default_route:create:deleted_out_of_band"}, nil},
		{"a statement letting anyone invoke the api alias added by hand", func(t *testing.T) {
			must(t, err2(lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(apiFn), Qualifier: aws.String("live"), StatementId: aws.String("anyone"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})))
		}, []string{"api_live:update:out_of_band_change"}, func(t *testing.T) {
			out, err := lam.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(apiFn), Qualifier: aws.String("live")})
			must(t, err)
			if pol := aws.ToString(out.Policy); strings.Contains(pol, `"anyone"`) || !strings.Contains(pol, "AllowHttpApiInvoke") {
				t.Errorf("the alias policy after apply: %s", pol)
			}
		}},
		{"a version published by hand", func(t *testing.T) {
			// A change published by hand, then undone and published again:
			// the configuration matches the spec, the latest version moved.
			cur, err := lam.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(agentFn)})
			must(t, err)
			for _, d := range []string{"by hand", aws.ToString(cur.Description)} {
				must(t, err2(lam.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(agentFn), Description: aws.String(d)})))
				must(t, err2(lam.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(agentFn)})))
			}
		}, []string{"agent_live:update:out_of_band_change"}, nil},
		{"log group deleted", func(t *testing.T) {
			must(t, err2(cloudwatchlogs.NewFromConfig(cfg).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/" + apiFn)})))
		}, []string{"api_logs:create:deleted_out_of_band", "api_policy:update:dependency_changed"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.break_(t)
			p, r := plan(t, dir)
			if r.Code != 2 {
				t.Fatalf("drift check: want exit 2, got %s", r)
			}
			if diff := cmp.Diff(c.want, sorted(p.changed())); diff != "" {
				t.Fatalf("classified changes (-want +got):\n%s\n%s", diff, r)
			}
			drift := 0
			for _, w := range c.want {
				if strings.HasSuffix(w, ":out_of_band_change") || strings.HasSuffix(w, ":deleted_out_of_band") {
					drift++
				}
			}
			if p.Summary.Drift != drift {
				t.Errorf("summary drift = %d, want %d\n%s", p.Summary.Drift, drift, r)
			}
			md := reconcile(t, dir, "--spec", "spec.yaml", "--dry-run", "--output", "markdown")
			if !strings.Contains(md.Stdout, "| `"+strings.SplitN(c.want[0], ":", 2)[0]+"` |") {
				t.Errorf("markdown plan lacks the change:\n%s", md.Stdout)
			}
			mustApply(t, dir)
			if p, r := plan(t, dir); r.Code != 0 {
				t.Fatalf("after apply the drift check must be clean: %v\n%s", p.changed(), r)
			}
			if c.gone != nil {
				c.gone(t)
			}
		})
	}

	// The alias follows the version the memory fix published.
	alias, err := lam.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(agentFn), Name: aws.String("live")})
	must(t, err)
	if v := aws.ToString(alias.FunctionVersion); v == "1" {
		t.Errorf("alias still on version 1 after the configuration was restored and published")
	}

	// Something with the stack's prefix that the stack does not own is
	// reported and left alone.
	must(t, err2(ecr.NewFromConfig(cfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("trip-assistant-debug-dev")})))
	p, _ := plan(t, dir)
	if !slices.ContainsFunc(p.Unmanaged, func(u struct{ Type, ID string }) bool { return u.ID == "trip-assistant-debug-dev" }) {
		t.Errorf("unmanaged repository not reported: %+v", p.Unmanaged)
	}

	r := reconcile(t, dir, "--spec", "spec.yaml", "--destroy")
	if r.Code != 0 {
		t.Fatalf("destroy: %s", r)
	}
	// The account's OIDC provider is account.yaml's: dev only read it.
	left := stackLeftovers(t, cfg)
	if diff := cmp.Diff([]string{"ecr:trip-assistant-debug-dev", "oidc:arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, left); diff != "" {
		t.Errorf("after destroy, what the SDK still lists (-want +got):\n%s", diff)
	}
}

// stackLeftovers lists, through the SDK, everything in the account that
// belongs to the trip-assistant stack (the state record aside).
func stackLeftovers(t *testing.T, cfg aws.Config) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	params, err := ssm.NewFromConfig(cfg).DescribeParameters(ctx, &ssm.DescribeParametersInput{})
	must(t, err)
	for _, p := range params.Parameters {
		if n := aws.ToString(p.Name); strings.HasPrefix(n, "/trip-assistant") {
			out = append(out, "ssm:"+n)
		}
	}
	groups, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/trip-assistant")})
	must(t, err)
	for _, g := range groups.LogGroups {
		out = append(out, "logs:"+aws.ToString(g.LogGroupName))
	}
	repos, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	must(t, err)
	for _, r := range repos.Repositories {
		out = append(out, "ecr:"+aws.ToString(r.RepositoryName))
	}
	ic := iam.NewFromConfig(cfg)
	roles, err := ic.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	for _, r := range roles.Roles {
		if strings.HasPrefix(aws.ToString(r.RoleName), "trip-assistant") {
			out = append(out, "iam:"+aws.ToString(r.RoleName))
		}
	}
	oidc, err := ic.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	must(t, err)
	for _, p := range oidc.OpenIDConnectProviderList {
		out = append(out, "oidc:"+aws.ToString(p.Arn))
	}
	fns, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	must(t, err)
	for _, f := range fns.Functions {
		out = append(out, "lambda:"+aws.ToString(f.FunctionName))
	}
	apis, err := apigatewayv2.NewFromConfig(cfg).GetApis(ctx, &apigatewayv2.GetApisInput{})
	must(t, err)
	for _, a := range apis.Items {
		out = append(out, "apigw:"+aws.ToString(a.Name))
	}
	return sorted(out)
}

func apiID(t *testing.T, cfg aws.Config) string {
	t.Helper()
	apis, err := apigatewayv2.NewFromConfig(cfg).GetApis(context.Background(), &apigatewayv2.GetApisInput{})
	must(t, err)
	for _, a := range apis.Items {
		if aws.ToString(a.Name) == "trip-assistant-dev" {
			return aws.ToString(a.ApiId)
		}
	}
	t.Fatal("the stack's HTTP API is missing")
	return ""
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// err2 drops an SDK call's output.
func err2[T any](_ T, err error) error { return err }
