package httpapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// TestAPIOwnsItsRoutesIntegrationsAndStages: Observe lists the members
// (one call each), what the stack does not declare is drift, and Update
// deletes exactly that, routes before integrations.
func TestAPIOwnsItsRoutesIntegrationsAndStages(t *testing.T) {
	var deleted []string
	f := &fakeAPI{
		GetApiFn: func(*apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
			return &apigatewayv2.GetApiOutput{ApiId: aws.String("a1"), Name: aws.String("trip-assistant-api-dev"), ProtocolType: types.ProtocolTypeHttp, Tags: ownedTags("http_api")}, nil
		},
		GetRoutesFn: func(*apigatewayv2.GetRoutesInput) (*apigatewayv2.GetRoutesOutput, error) {
			return &apigatewayv2.GetRoutesOutput{Items: []types.Route{
				{RouteId: aws.String("r1"), RouteKey: aws.String("$default")},
				{RouteId: aws.String("r2"), RouteKey: aws.String("GET /admin")},
			}}, nil
		},
		GetIntegrationsFn: func(*apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error) {
			return &apigatewayv2.GetIntegrationsOutput{Items: []types.Integration{{IntegrationId: aws.String("i1")}, {IntegrationId: aws.String("i2")}}}, nil
		},
		GetStagesFn: func(*apigatewayv2.GetStagesInput) (*apigatewayv2.GetStagesOutput, error) {
			return &apigatewayv2.GetStagesOutput{Items: []types.Stage{{StageName: aws.String("$default")}, {StageName: aws.String("debug")}}}, nil
		},
		DeleteRouteFn: func(in *apigatewayv2.DeleteRouteInput) (*apigatewayv2.DeleteRouteOutput, error) {
			deleted = append(deleted, "route "+aws.ToString(in.RouteId))
			return &apigatewayv2.DeleteRouteOutput{}, nil
		},
		DeleteIntegrationFn: func(in *apigatewayv2.DeleteIntegrationInput) (*apigatewayv2.DeleteIntegrationOutput, error) {
			deleted = append(deleted, "integration "+aws.ToString(in.IntegrationId))
			return &apigatewayv2.DeleteIntegrationOutput{}, nil
		},
		DeleteStageFn: func(in *apigatewayv2.DeleteStageInput) (*apigatewayv2.DeleteStageOutput, error) {
			deleted = append(deleted, "stage "+aws.ToString(in.StageName))
			return &apigatewayv2.DeleteStageOutput{}, nil
		},
	}
	k := NewAPIWithAPI(f, fakeSTS{}, "us-east-2")
	ctx := context.Background()
	live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "a1", Desired: desiredAPI()})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"GetApi", "GetRoutes", "GetIntegrations", "GetStages"}, memberReadsInOrder(f.calls)); d != "" {
		t.Errorf("Observe's calls (-want +got):\n%s", d)
	}
	want := map[string]any{"routes": []any{"$default", "GET /admin"}, "integrations": []any{"i1", "i2"}, "stages": []any{"$default", "debug"}}
	for field, w := range want {
		if d := cmp.Diff(w, live.Props[field]); d != "" {
			t.Errorf("%s (-want +got):\n%s", field, d)
		}
	}
	desired := spec.Props{"name": "trip-assistant-api-dev", "tags": spec.StringMapValue(ownedTags("http_api")),
		"routes": []any{"$default"}, "integrations": []any{"i1"}, "stages": []any{"$default"}}
	diff := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	if d := cmp.Diff([]string{"integrations", "routes", "stages"}, diff.Paths()); d != "" {
		t.Fatalf("diff (-want +got):\n%s", d)
	}
	obs, err := k.Update(ctx, reconcile.UpdateRequest{ID: "a1", Desired: desired, Live: live, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"route r2", "integration i2", "stage debug"}, deleted); d != "" {
		t.Errorf("deleted (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]any{"$default"}, obs.Props["routes"]); d != "" {
		t.Errorf("routes after update (-want +got):\n%s", d)
	}
}

// TestMembersNameThemselvesAsTheAPIListsThem: a route by its key (known
// before it exists), an integration by its recorded id, a stage by its
// name.
func TestMembersNameThemselvesAsTheAPIListsThem(t *testing.T) {
	type key struct {
		key string
		ok  bool
	}
	att := func(k reconcile.Kind) reconcile.Attachment { return k.(reconcile.Attachment) }
	cases := []struct {
		name    string
		kind    reconcile.Attachment
		id      string
		desired spec.Props
		want    key
	}{
		{"new route", att(NewRouteWithAPI(nil)), "", spec.Props{"route_key": "GET /x", "api_id": spec.Unknown{}}, key{"GET /x", true}},
		{"recorded route", att(NewRouteWithAPI(nil)), "a1/r1", spec.Props{"route_key": "$default"}, key{"$default", true}},
		{"new integration", att(NewIntegrationWithAPI(nil)), "", spec.Props{"integration_uri": spec.Unknown{}}, key{"", false}},
		{"recorded integration", att(NewIntegrationWithAPI(nil)), "a1/i1", nil, key{"i1", true}},
		{"new stage by default", att(NewStageWithAPI(nil, fakeSTS{}, "us-east-2")), "", spec.Props{"name": "$default"}, key{"$default", true}},
		{"recorded stage", att(NewStageWithAPI(nil, fakeSTS{}, "us-east-2")), "a1/prod", nil, key{"prod", true}},
	}
	for _, c := range cases {
		k, ok := c.kind.AttachmentKey(c.id, c.desired)
		if got := (key{k, ok}); got != c.want {
			t.Errorf("%s: AttachmentKey = %+v, want %+v", c.name, got, c.want)
		}
	}
}
