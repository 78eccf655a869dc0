//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

// TestAPIAndFunctionOwnWhatHangsOffThem: a route, an integration and a
// stage added by hand to the stack's HTTP API, and a statement letting
// anyone invoke the agent function and a function URL with AuthType NONE
// added to it: the drift check exits 2 with each classed out of band and
// a diff naming it, apply removes them (as the SDK lists), and the
// re-plan is clean.
func TestAPIAndFunctionOwnWhatHangsOffThem(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	mustApply(t, dir)
	gw, lam := apigatewayv2.NewFromConfig(cfg), lambda.NewFromConfig(cfg)
	id := apiID(t, cfg)

	integ, err := gw.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: aws.String(id), IntegrationType: "HTTP_PROXY", IntegrationUri: aws.String("https://evil.example"), IntegrationMethod: aws.String("ANY"), PayloadFormatVersion: aws.String("1.0")})
	must(t, err)
	must(t, err2(gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: aws.String(id), RouteKey: aws.String("GET /admin"), Target: aws.String("integrations/" + aws.ToString(integ.IntegrationId))})))
	must(t, err2(gw.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: aws.String(id), StageName: aws.String("debug")})))
	must(t, err2(lam.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(agentFn), StatementId: aws.String("anyone"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})))
	must(t, err2(lam.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String(agentFn), AuthType: lambdatypes.FunctionUrlAuthTypeNone})))

	p, r := plan(t, dir)
	if r.Code != 2 {
		t.Fatalf("drift check: want exit 2, got %s", r)
	}
	// The agent's update publishes no version, but the engine cannot know
	// that before apply: its alias follows ${agent.version}.
	want := []string{"agent:update:out_of_band_change", "agent_live:update:dependency_changed", "http_api:update:out_of_band_change"}
	if d := cmp.Diff(want, sorted(p.changed())); d != "" {
		t.Fatalf("classified changes (-want +got):\n%s\n%s", d, r)
	}
	wantAdded := map[string]map[string]string{
		"http_api": {"routes": "GET /admin", "integrations": aws.ToString(integ.IntegrationId), "stages": "debug"},
		"agent":    {"permissions": "anyone", "function_url": "auth_type NONE"},
	}
	for _, c := range p.Changes {
		w, ok := wantAdded[c.Name]
		if !ok {
			continue
		}
		got := map[string]string{}
		for _, d := range c.Diff {
			got[d.Path] = canonicalJSON(d.Before)
		}
		for path, added := range w {
			if !strings.Contains(got[path], added) {
				t.Errorf("%s: diff of %s = %q, want it to name %q", c.Name, path, got[path], added)
			}
		}
	}
	if p.Summary.Drift != 2 {
		t.Errorf("summary drift = %d, want 2", p.Summary.Drift)
	}

	mustApply(t, dir)

	routes, err := gw.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(id)})
	must(t, err)
	var keys []string
	for _, rt := range routes.Items {
		keys = append(keys, aws.ToString(rt.RouteKey))
	}
	if d := cmp.Diff([]string{"$default"}, keys); d != "" {
		t.Errorf("routes after apply (-want +got):\n%s", d)
	}
	integs, err := gw.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(id)})
	must(t, err)
	for _, i := range integs.Items {
		if aws.ToString(i.IntegrationId) == aws.ToString(integ.IntegrationId) {
			t.Errorf("the integration made by hand survived apply")
		}
	}
	if len(integs.Items) != 1 {
		t.Errorf("integrations after apply: %d, want the stack's one", len(integs.Items))
	}
	stages, err := gw.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: aws.String(id)})
	must(t, err)
	var names []string
	for _, s := range stages.Items {
		names = append(names, aws.ToString(s.StageName))
	}
	if d := cmp.Diff([]string{"$default"}, names); d != "" {
		t.Errorf("stages after apply (-want +got):\n%s", d)
	}
	_, err = lam.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(agentFn)})
	var notFound *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("the agent's resource policy after apply: err = %v, want ResourceNotFoundException", err)
	}
	_, err = lam.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(agentFn)})
	if !errors.As(err, &notFound) {
		t.Errorf("the agent's function URL after apply: err = %v, want ResourceNotFoundException", err)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after apply the drift check must be clean: %v\n%s", p.changed(), r)
	}
}

func canonicalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
