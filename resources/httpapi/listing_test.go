package httpapi

import (
	"context"
	"errors"
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

// listedAPI is an API as GetApis and GetApi both report it.
func listedAPI(id, name string) types.Api {
	return types.Api{
		ApiId: aws.String(id), Name: aws.String(name), ProtocolType: types.ProtocolTypeHttp,
		ApiEndpoint: aws.String("https://" + id + ".execute-api.us-east-2.amazonaws.com"),
		CorsConfiguration: &types.Cors{
			AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "POST"},
			AllowHeaders: []string{"content-type", "authorization"}, MaxAge: aws.Int32(300),
		},
		Tags: ownedTags("http_api"),
	}
}

// planFake is an account whose GetApis lists listed and whose GetApi also
// knows extra: APIs made since the listing.
func planFake(listed []types.Api, extra ...types.Api) *fakeAPI {
	f := stageFake()
	f.GetApisFn = func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
		return &apigatewayv2.GetApisOutput{Items: slices.Clone(listed)}, nil
	}
	f.GetApiFn = func(in *apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
		for _, a := range slices.Concat(listed, extra) {
			if aws.ToString(a.ApiId) == aws.ToString(in.ApiId) {
				return &apigatewayv2.GetApiOutput{
					ApiId: a.ApiId, ApiEndpoint: a.ApiEndpoint, Name: a.Name, ProtocolType: a.ProtocolType,
					CorsConfiguration: a.CorsConfiguration, Tags: a.Tags,
				}, nil
			}
		}
		return nil, notFound()
	}
	return f
}

// planKinds are the api and stage kinds as kinds.All builds them: one
// listing, one identity.
func planKinds(f *fakeAPI) (api, stage reconcile.Kind) {
	apis := NewAPIListingWithAPI(f)
	id := awsclient.NewIdentityWithAPI(fakeSTS{})
	return NewAPIWithAPI(f, fakeSTS{}, "us-east-2", WithAPIListing(apis), WithIdentity(id)),
		NewStageWithAPI(f, fakeSTS{}, "us-east-2", WithAPIListing(apis), WithIdentity(id))
}

func count(calls []string, op string) int {
	n := 0
	for _, c := range calls {
		if c == op {
			n++
		}
	}
	return n
}

// beginPlan does what the engine does before every plan.
func beginPlan(kinds ...reconcile.Kind) {
	for _, k := range kinds {
		k.(reconcile.PlanScoped).BeginPlan()
	}
}

func TestPlanListsAPIsOnceForAPIsStagesAndList(t *testing.T) {
	f := planFake([]types.Api{listedAPI("a1", "trip-assistant-api-dev"), listedAPI("a2", "trip-assistant-admin-dev"), listedAPI("x9", "unrelated")})
	apiKind, stageKind := planKinds(f)
	ctx := context.Background()
	beginPlan(apiKind, stageKind)

	apis, err := apiKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{
		{Name: "http_api", ID: "a1", Desired: desiredAPI()},
		// Not recorded yet: found by name and the stack's tag.
		{Name: "admin_api", Desired: spec.Props{"name": "trip-assistant-admin-dev", "tags": spec.StringMapValue(ownedTags("http_api"))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	stages, err := stageKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{
		{Name: "stage", ID: "a1/$default", Desired: desiredStage("$default")},
		{Name: "v1", Desired: spec.Props{"api_id": "a2", "name": "v1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := apiKind.(reconcile.Lister).List(ctx, "trip-assistant-")
	if err != nil {
		t.Fatal(err)
	}

	if n, m := count(f.calls, "GetApis"), count(f.calls, "GetApi"); n != 1 || m != 0 {
		t.Errorf("GetApis %d (want 1), GetApi %d (want 0); calls %v", n, m, f.calls)
	}
	if d := cmp.Diff([]string{"a1", "a2"}, ids); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}
	got := map[string]string{
		"a1 id": apis[0].ID, "a2 id": apis[1].ID,
		"a1 endpoint":      apis[0].Attrs["endpoint"],
		"a1 execution_arn": apis[0].Attrs["execution_arn"],
		"$default url":     stages[0].Attrs["invoke_url"],
		"v1 url":           stages[1].Attrs["invoke_url"],
	}
	want := map[string]string{
		"a1 id": "a1", "a2 id": "a2",
		"a1 endpoint":      "https://a1.execute-api.us-east-2.amazonaws.com",
		"a1 execution_arn": "arn:aws:execute-api:us-east-2:123456789012:a1",
		"$default url":     "https://a1.execute-api.us-east-2.amazonaws.com",
		"v1 url":           "https://a2.execute-api.us-east-2.amazonaws.com/v1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("observations (-want +got):\n%s", d)
	}
	// The listing tells what GetApi would: no diff against the spec.
	if d := reconcile.ComputeDiff(apiKind.Schema(), desiredAPI(), apis[0].Props, nil); len(d) != 0 {
		t.Errorf("listed API should converge with desired, diff %+v", d)
	}
}

// Only GetApi may tell an API absent: one the listing lacks is read with
// it, whether made since the listing or gone.
func TestPlanReadsWhatTheListingLacksWithGetApi(t *testing.T) {
	f := planFake([]types.Api{listedAPI("a1", "trip-assistant-api-dev")}, listedAPI("new1", "trip-assistant-api-dev"))
	apiKind, stageKind := planKinds(f)
	ctx := context.Background()
	beginPlan(apiKind, stageKind)

	apis, err := apiKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{
		{Name: "made_since", ID: "new1", Desired: desiredAPI()},
		{Name: "gone", ID: "gone1", Desired: desiredAPI()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !apis[0].Exists || apis[0].ID != "new1" || apis[1].Exists {
		t.Errorf("ObserveBatch = %+v; want new1 found, gone1 absent", apis)
	}
	stages, err := stageKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{
		{Name: "stage", ID: "new1/$default"},
		{Name: "other", ID: "a1/$default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := stages[0].Attrs["invoke_url"]; got != "https://new1.execute-api.us-east-2.amazonaws.com" {
		t.Errorf("invoke_url of a stage of an unlisted API = %q", got)
	}
	want := []string{"GetApis", "GetApi", "GetRoutes", "GetIntegrations", "GetStages", "GetApi", "GetStage", "GetApi", "GetStage"}
	if d := cmp.Diff(want, memberReadsInOrder(f.calls)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

// BeginPlan on either kind drops the listing both share: a second plan
// sees what the first could not.
func TestBeginPlanRelists(t *testing.T) {
	listed := []types.Api{listedAPI("a1", "trip-assistant-api-dev")}
	f := planFake(listed)
	apiKind, stageKind := planKinds(f)
	ctx := context.Background()
	list := func() []string {
		t.Helper()
		ids, err := apiKind.(reconcile.Lister).List(ctx, "trip-assistant-")
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}

	beginPlan(apiKind, stageKind)
	list()
	list()
	if n := count(f.calls, "GetApis"); n != 1 {
		t.Fatalf("one plan listed %d times, want 1", n)
	}
	listed[0] = listedAPI("a2", "trip-assistant-api-dev") // replaced between plans
	stageKind.(reconcile.PlanScoped).BeginPlan()
	if d := cmp.Diff([]string{"a2"}, list()); d != "" {
		t.Errorf("List after BeginPlan (-want +got):\n%s", d)
	}
	if n := count(f.calls, "GetApis"); n != 2 {
		t.Errorf("two plans listed %d times, want 2", n)
	}
}

// Observe, Create and Update never answer from the listing: only the
// engine's batch path and List read it, within a plan.
func TestObserveReadsAWSNotTheListing(t *testing.T) {
	f := planFake([]types.Api{listedAPI("a1", "trip-assistant-api-dev")})
	apiKind, stageKind := planKinds(f)
	ctx := context.Background()
	beginPlan(apiKind, stageKind)
	if _, err := apiKind.(reconcile.Lister).List(ctx, "trip-assistant-"); err != nil {
		t.Fatal(err)
	}
	f.calls = nil
	if _, err := apiKind.Observe(ctx, reconcile.ObserveRequest{ID: "a1", Desired: desiredAPI()}); err != nil {
		t.Fatal(err)
	}
	if _, err := apiKind.Observe(ctx, reconcile.ObserveRequest{Desired: desiredAPI()}); err != nil {
		t.Fatal(err)
	}
	if _, err := stageKind.Observe(ctx, reconcile.ObserveRequest{ID: "a1/$default"}); err != nil {
		t.Fatal(err)
	}
	members := []string{"GetRoutes", "GetIntegrations", "GetStages"}
	want := append(append(append(append([]string{"GetApi"}, members...), "GetApis"), members...), "GetStage", "GetApi")
	if d := cmp.Diff(want, memberReadsInOrder(f.calls)); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

// A failed listing is kept for the plan: observations by id fall back to
// GetApi, List and the search by name report the failure.
func TestPlanWithAFailedListing(t *testing.T) {
	f := planFake([]types.Api{listedAPI("a1", "trip-assistant-api-dev")})
	f.GetApisFn = func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
		return nil, errors.New("access denied")
	}
	apiKind, stageKind := planKinds(f)
	ctx := context.Background()
	beginPlan(apiKind, stageKind)

	obs, err := apiKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{{ID: "a1", Desired: desiredAPI()}})
	if err != nil || !obs[0].Exists {
		t.Errorf("ObserveBatch by id = %+v, %v; want a1 read with GetApi", obs, err)
	}
	if _, err := apiKind.(reconcile.BatchObserver).ObserveBatch(ctx, []reconcile.ObserveRequest{{Desired: desiredAPI()}}); err == nil {
		t.Error("ObserveBatch by name with a failed listing: want its error")
	}
	if _, err := apiKind.(reconcile.Lister).List(ctx, "trip-assistant-"); err == nil {
		t.Error("List with a failed listing: want its error")
	}
	if n := count(f.calls, "GetApis"); n != 1 {
		t.Errorf("listed %d times in one plan, want 1", n)
	}
}
