package httpapi

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// memberAccount is one HTTP API and its members, which the fake's listings
// and Gets both answer from: what a test changes in it, every read sees.
type memberAccount struct {
	api          types.Api
	routes       []types.Route
	integrations []types.Integration
	stages       []types.Stage
}

const otherARN = "arn:aws:lambda:us-east-2:123456789012:function:trip-assistant-admin-dev:live"

func newMemberAccount() *memberAccount {
	return &memberAccount{
		api: listedAPI("a1", "trip-assistant-api-dev"),
		routes: []types.Route{
			{RouteId: aws.String("r1"), RouteKey: aws.String("GET /api/health"), Target: aws.String("integrations/i1"), AuthorizationType: types.AuthorizationTypeAwsIam},
			// kumo reports no authorization type for a route made without one.
			{RouteId: aws.String("r2"), RouteKey: aws.String("$default"), Target: aws.String("integrations/i2")},
		},
		integrations: []types.Integration{
			{IntegrationId: aws.String("i1"), IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(aliasARN),
				IntegrationMethod: aws.String("POST"), PayloadFormatVersion: aws.String("2.0"), TimeoutInMillis: aws.Int32(29000),
				Description: aws.String("the api lambda")},
			{IntegrationId: aws.String("i2"), IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(otherARN),
				IntegrationMethod: aws.String("POST"), PayloadFormatVersion: aws.String("1.0"), TimeoutInMillis: aws.Int32(30000)},
		},
		stages: []types.Stage{
			{StageName: aws.String("$default"), AutoDeploy: aws.Bool(true), DeploymentId: aws.String("dep-by-aws"), Tags: ownedTags("stage")},
			{StageName: aws.String("v1"), AutoDeploy: aws.Bool(false), Description: aws.String("pinned"), Tags: ownedTags("stage_v1")},
		},
	}
}

// fake serves the account: GetApis and GetApi, the three member listings
// and the three member Gets.
func (a *memberAccount) fake() *fakeAPI {
	apiID := aws.ToString(a.api.ApiId)
	gone := func(id *string) bool { return aws.ToString(id) != apiID }
	return &fakeAPI{
		GetApisFn: func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
			return &apigatewayv2.GetApisOutput{Items: []types.Api{a.api}}, nil
		},
		GetApiFn: func(in *apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
			if gone(in.ApiId) {
				return nil, notFound()
			}
			return &apigatewayv2.GetApiOutput{
				ApiId: a.api.ApiId, ApiEndpoint: a.api.ApiEndpoint, Name: a.api.Name, ProtocolType: a.api.ProtocolType,
				CorsConfiguration: a.api.CorsConfiguration, Tags: a.api.Tags,
			}, nil
		},
		GetRoutesFn: func(in *apigatewayv2.GetRoutesInput) (*apigatewayv2.GetRoutesOutput, error) {
			if gone(in.ApiId) {
				return nil, notFound()
			}
			return &apigatewayv2.GetRoutesOutput{Items: slices.Clone(a.routes)}, nil
		},
		GetRouteFn: func(in *apigatewayv2.GetRouteInput) (*apigatewayv2.GetRouteOutput, error) {
			for _, r := range a.routes {
				if !gone(in.ApiId) && aws.ToString(r.RouteId) == aws.ToString(in.RouteId) {
					return &apigatewayv2.GetRouteOutput{RouteId: r.RouteId, RouteKey: r.RouteKey, Target: r.Target, AuthorizationType: r.AuthorizationType}, nil
				}
			}
			return nil, notFound()
		},
		GetIntegrationsFn: func(in *apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error) {
			if gone(in.ApiId) {
				return nil, notFound()
			}
			return &apigatewayv2.GetIntegrationsOutput{Items: slices.Clone(a.integrations)}, nil
		},
		GetIntegrationFn: func(in *apigatewayv2.GetIntegrationInput) (*apigatewayv2.GetIntegrationOutput, error) {
			for _, i := range a.integrations {
				if !gone(in.ApiId) && aws.ToString(i.IntegrationId) == aws.ToString(in.IntegrationId) {
					return &apigatewayv2.GetIntegrationOutput{
						IntegrationId: i.IntegrationId, IntegrationType: i.IntegrationType, IntegrationUri: i.IntegrationUri,
						IntegrationMethod: i.IntegrationMethod, PayloadFormatVersion: i.PayloadFormatVersion,
						TimeoutInMillis: i.TimeoutInMillis, Description: i.Description,
					}, nil
				}
			}
			return nil, notFound()
		},
		GetStagesFn: func(in *apigatewayv2.GetStagesInput) (*apigatewayv2.GetStagesOutput, error) {
			if gone(in.ApiId) {
				return nil, notFound()
			}
			return &apigatewayv2.GetStagesOutput{Items: slices.Clone(a.stages)}, nil
		},
		GetStageFn: func(in *apigatewayv2.GetStageInput) (*apigatewayv2.GetStageOutput, error) {
			for _, s := range a.stages {
				if !gone(in.ApiId) && aws.ToString(s.StageName) == aws.ToString(in.StageName) {
					return &apigatewayv2.GetStageOutput{
						StageName: s.StageName, AutoDeploy: s.AutoDeploy, DeploymentId: s.DeploymentId,
						Description: s.Description, Tags: s.Tags,
					}, nil
				}
			}
			return nil, notFound()
		},
	}
}

// memberKinds are the four kinds as kinds.All builds them: one API
// listing, one member listing, one identity.
type memberKinds struct{ api, route, integration, stage reconcile.Kind }

func newMemberKinds(f *fakeAPI) memberKinds {
	apis, members := NewAPIListingWithAPI(f), NewMemberListing()
	id := awsclient.NewIdentityWithAPI(fakeSTS{})
	return memberKinds{
		api:         NewAPIWithAPI(f, fakeSTS{}, "us-east-2", WithAPIListing(apis), WithMemberListing(members), WithIdentity(id)),
		route:       NewRouteWithAPI(f, WithMemberListing(members)),
		integration: NewIntegrationWithAPI(f, WithMemberListing(members)),
		stage:       NewStageWithAPI(f, fakeSTS{}, "us-east-2", WithAPIListing(apis), WithMemberListing(members), WithIdentity(id)),
	}
}

func (k memberKinds) all() []reconcile.Kind {
	return []reconcile.Kind{k.api, k.route, k.integration, k.stage}
}

// memberRequests are a plan's requests for the API's members: recorded
// ones by id, unrecorded ones by what names them (route key, target URI,
// stage name).
var memberRequests = map[string][]reconcile.ObserveRequest{
	"apigw.route": {
		{Name: "health", ID: "a1/r1", Desired: spec.Props{"api_id": "a1", "route_key": "GET /api/health"}},
		{Name: "default", Desired: spec.Props{"api_id": "a1", "route_key": "$default"}},
	},
	"apigw.integration": {
		{Name: "lambda", ID: "a1/i1", Desired: spec.Props{"api_id": "a1", "integration_uri": aliasARN}},
		{Name: "admin", Desired: spec.Props{"api_id": "a1", "integration_uri": otherARN}},
	},
	"apigw.stage": {
		{Name: "v1", ID: "a1/v1", Desired: spec.Props{"api_id": "a1", "name": "v1"}},
		{Name: "default", Desired: spec.Props{"api_id": "a1", "name": "$default"}},
	},
}

// observePlan observes the API, then each member kind's requests, in
// batches as the engine does (members depend on their API, so they come at
// a later level). It returns the members' observations by kind.
func observePlan(t *testing.T, k memberKinds, reqs map[string][]reconcile.ObserveRequest) map[string][]reconcile.Observation {
	t.Helper()
	ctx := context.Background()
	if _, err := k.api.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{{Name: "http_api", ID: "a1", Desired: desiredAPI()}}); err != nil {
		t.Fatal(err)
	}
	return observeMembers(t, k, reqs)
}

func observeMembers(t *testing.T, k memberKinds, reqs map[string][]reconcile.ObserveRequest) map[string][]reconcile.Observation {
	t.Helper()
	out := map[string][]reconcile.Observation{}
	for _, kind := range []reconcile.Kind{k.route, k.integration, k.stage} {
		rs, ok := reqs[kind.Type()]
		if !ok {
			continue
		}
		obs, err := kind.(reconcile.BatchObserver).ObserveBatch(context.Background(), rs)
		if err != nil {
			t.Fatal(err)
		}
		out[kind.Type()] = obs
	}
	return out
}

func memberGets(calls []string) map[string]int {
	return map[string]int{
		"GetRoute": count(calls, "GetRoute"), "GetIntegration": count(calls, "GetIntegration"), "GetStage": count(calls, "GetStage"),
		"GetRoutes": count(calls, "GetRoutes"), "GetIntegrations": count(calls, "GetIntegrations"), "GetStages": count(calls, "GetStages"),
	}
}

func TestPlanObservesMembersFromTheAPIListing(t *testing.T) {
	acct := newMemberAccount()
	f := acct.fake()
	k := newMemberKinds(f)
	beginPlan(k.all()...)
	got := observePlan(t, k, memberRequests)

	// The API's own listings, once each; no member read of its own.
	want := map[string]int{"GetRoute": 0, "GetIntegration": 0, "GetStage": 0, "GetRoutes": 1, "GetIntegrations": 1, "GetStages": 1}
	if d := cmp.Diff(want, memberGets(f.calls)); d != "" {
		t.Errorf("member reads (-want +got):\n%s\ncalls %v", d, f.calls)
	}

	// The same observations as each kind reading AWS on its own, with a
	// Get per recorded member (and a listing per unrecorded one).
	solo := acct.fake()
	alone := map[string]reconcile.Kind{
		"apigw.route":       NewRouteWithAPI(solo),
		"apigw.integration": NewIntegrationWithAPI(solo),
		"apigw.stage":       NewStageWithAPI(solo, fakeSTS{}, "us-east-2"),
	}
	for typ, rs := range memberRequests {
		for i, r := range rs {
			obs, err := alone[typ].Observe(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if !obs.Exists {
				t.Fatalf("%s %s: not found by its own reads", typ, r.Name)
			}
			if d := cmp.Diff(obs, got[typ][i]); d != "" {
				t.Errorf("%s %s from the listing (-own reads +listing):\n%s", typ, r.Name, d)
			}
		}
	}
	if n := memberGets(solo.calls); n["GetRoute"] != 1 || n["GetIntegration"] != 1 || n["GetStage"] != 2 {
		t.Errorf("reading on their own: %v, want a GetRoute, a GetIntegration and two GetStage", n)
	}
}

func TestPlanReadsMembersTheListingLacksWithGet(t *testing.T) {
	byID := map[string][]reconcile.ObserveRequest{
		"apigw.route":       {{Name: "r", ID: "a1/r9", Desired: spec.Props{"api_id": "a1", "route_key": "GET /gone"}}},
		"apigw.integration": {{Name: "i", ID: "a1/i9", Desired: spec.Props{"api_id": "a1", "integration_uri": aliasARN}}},
		"apigw.stage":       {{Name: "s", ID: "a1/gone", Desired: spec.Props{"api_id": "a1", "name": "gone"}}},
	}
	oneGetEach := map[string]int{"GetRoute": 1, "GetIntegration": 1, "GetStage": 1, "GetRoutes": 1, "GetIntegrations": 1, "GetStages": 1}

	t.Run("deleted out of band: Get says not found", func(t *testing.T) {
		f := newMemberAccount().fake()
		k := newMemberKinds(f)
		beginPlan(k.all()...)
		got := observePlan(t, k, byID)
		for typ, obs := range got {
			if obs[0].Exists {
				t.Errorf("%s: %+v, want absent", typ, obs[0])
			}
		}
		if d := cmp.Diff(oneGetEach, memberGets(f.calls)); d != "" {
			t.Errorf("member reads (-want +got):\n%s", d)
		}
	})

	t.Run("made since the listing: Get finds it", func(t *testing.T) {
		acct := newMemberAccount()
		f := acct.fake()
		k := newMemberKinds(f)
		beginPlan(k.all()...)
		if _, err := k.api.(reconcile.BatchObserver).ObserveBatch(context.Background(), []reconcile.ObserveRequest{{Name: "http_api", ID: "a1", Desired: desiredAPI()}}); err != nil {
			t.Fatal(err)
		}
		acct.routes = append(acct.routes, types.Route{RouteId: aws.String("r9"), RouteKey: aws.String("GET /new")})
		acct.integrations = append(acct.integrations, types.Integration{IntegrationId: aws.String("i9"), IntegrationUri: aws.String(aliasARN)})
		acct.stages = append(acct.stages, types.Stage{StageName: aws.String("gone")})
		got := observeMembers(t, k, byID)
		for typ, obs := range got {
			if !obs[0].Exists {
				t.Errorf("%s: absent, want found by its Get", typ)
			}
		}
		if d := cmp.Diff(oneGetEach, memberGets(f.calls)); d != "" {
			t.Errorf("member reads (-want +got):\n%s", d)
		}
	})

	t.Run("the API not listed yet in this plan", func(t *testing.T) {
		f := newMemberAccount().fake()
		k := newMemberKinds(f)
		beginPlan(k.all()...)
		got := observeMembers(t, k, memberRequests)
		for typ, obs := range got {
			for i, o := range obs {
				if !o.Exists {
					t.Errorf("%s %s: absent", typ, memberRequests[typ][i].Name)
				}
			}
		}
		// Recorded members by Get; unrecorded routes and integrations by
		// their own listing, stages by name.
		want := map[string]int{"GetRoute": 1, "GetIntegration": 1, "GetStage": 2, "GetRoutes": 1, "GetIntegrations": 1, "GetStages": 0}
		if d := cmp.Diff(want, memberGets(f.calls)); d != "" {
			t.Errorf("member reads (-want +got):\n%s", d)
		}
	})

	t.Run("outside a plan nothing is kept", func(t *testing.T) {
		f := newMemberAccount().fake()
		k := newMemberKinds(f) // no BeginPlan: kinds used on their own
		observePlan(t, k, memberRequests)
		if n := memberGets(f.calls); n["GetRoute"] != 1 || n["GetIntegration"] != 1 || n["GetStage"] != 2 {
			t.Errorf("member reads %v, want each recorded member read with its Get", n)
		}
	})
}

func TestBeginPlanDropsTheMemberListing(t *testing.T) {
	acct := newMemberAccount()
	f := acct.fake()
	k := newMemberKinds(f)
	beginPlan(k.all()...)
	first := observePlan(t, k, memberRequests)
	for typ, obs := range first {
		if !obs[0].Exists {
			t.Fatalf("%s: absent in the first plan", typ)
		}
	}

	// Deleted by hand between the plans.
	acct.routes = slices.DeleteFunc(acct.routes, func(r types.Route) bool { return aws.ToString(r.RouteId) == "r1" })
	acct.integrations = slices.DeleteFunc(acct.integrations, func(i types.Integration) bool { return aws.ToString(i.IntegrationId) == "i1" })
	acct.stages = slices.DeleteFunc(acct.stages, func(s types.Stage) bool { return aws.ToString(s.StageName) == "v1" })
	f.calls = nil

	beginPlan(k.all()...)
	second := observePlan(t, k, memberRequests)
	for typ, obs := range second {
		if obs[0].Exists {
			t.Errorf("%s %s: %+v in the second plan, want absent", typ, memberRequests[typ][0].Name, obs[0])
		}
		if !obs[1].Exists {
			t.Errorf("%s %s: absent in the second plan, want found", typ, memberRequests[typ][1].Name)
		}
	}
	// The plan listed again, and the listing's lack was confirmed by Get.
	want := map[string]int{"GetRoute": 1, "GetIntegration": 1, "GetStage": 1, "GetRoutes": 1, "GetIntegrations": 1, "GetStages": 1}
	if d := cmp.Diff(want, memberGets(f.calls)); d != "" {
		t.Errorf("second plan's member reads (-want +got):\n%s", d)
	}
}
