package httpapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/google/go-cmp/cmp"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func desiredStage(name string) spec.Props {
	return spec.Props{
		"api_id": "abc123", "name": name, "auto_deploy": true, "description": "",
		"tags": spec.StringMapValue(ownedTags("stage")),
	}
}

// stageFake is a stage AWS auto-deploys: GetStage reports a DeploymentId
// that AWS, not the spec, owns.
func stageFake() *fakeAPI {
	return &fakeAPI{
		GetStageFn: func(in *apigatewayv2.GetStageInput) (*apigatewayv2.GetStageOutput, error) {
			return &apigatewayv2.GetStageOutput{
				StageName: in.StageName, AutoDeploy: aws.Bool(true), DeploymentId: aws.String("dep-by-aws"),
				Tags: ownedTags("stage"),
			}, nil
		},
		GetApiFn: func(*apigatewayv2.GetApiInput) (*apigatewayv2.GetApiOutput, error) {
			return &apigatewayv2.GetApiOutput{ApiEndpoint: aws.String("https://abc123.execute-api.us-east-2.amazonaws.com")}, nil
		},
	}
}

func TestStageObserve(t *testing.T) {
	cases := map[string]struct {
		name    string
		wantURL string
	}{
		"$default": {"$default", "https://abc123.execute-api.us-east-2.amazonaws.com"},
		"named":    {"v1", "https://abc123.execute-api.us-east-2.amazonaws.com/v1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := NewStageWithAPI(stageFake(), fakeSTS{}, "us-east-2")
			// No ID: the stage is found by its API and name.
			obs, err := k.Observe(context.Background(), reconcile.ObserveRequest{Desired: desiredStage(tc.name)})
			if err != nil {
				t.Fatal(err)
			}
			want := reconcile.Observation{
				Exists: true,
				ID:     "abc123/" + tc.name,
				// No deployment id: AWS owns it under auto-deploy.
				Props: desiredStage(tc.name),
				Attrs: map[string]string{"id": "abc123/" + tc.name, "name": tc.name, "invoke_url": tc.wantURL},
			}
			if d := cmp.Diff(want, obs); d != "" {
				t.Errorf("Observe (-want +got):\n%s", d)
			}
		})
	}
}

func TestStageObserveAbsent(t *testing.T) {
	f := &fakeAPI{GetStageFn: func(*apigatewayv2.GetStageInput) (*apigatewayv2.GetStageOutput, error) { return nil, notFound() }}
	k := NewStageWithAPI(f, fakeSTS{}, "us-east-2")
	for name, req := range map[string]reconcile.ObserveRequest{
		"by id":           {ID: "abc123/$default"},
		"api not made":    {Desired: spec.Props{"api_id": spec.Unknown{Ref: "http_api.id"}, "name": "$default"}},
		"gone from spec ": {},
	} {
		obs, err := k.Observe(context.Background(), req)
		if err != nil || obs.Exists {
			t.Errorf("%s: Observe = %+v, %v; want absent", name, obs, err)
		}
	}
}

func TestStageNeverSendsDeploymentID(t *testing.T) {
	var created *apigatewayv2.CreateStageInput
	var updated *apigatewayv2.UpdateStageInput
	f := stageFake()
	f.CreateStageFn = func(in *apigatewayv2.CreateStageInput) (*apigatewayv2.CreateStageOutput, error) {
		created = in
		return &apigatewayv2.CreateStageOutput{}, nil
	}
	f.UpdateStageFn = func(in *apigatewayv2.UpdateStageInput) (*apigatewayv2.UpdateStageOutput, error) {
		updated = in
		return &apigatewayv2.UpdateStageOutput{}, nil
	}
	k := NewStageWithAPI(f, fakeSTS{}, "us-east-2")
	ctx := context.Background()
	obs, err := k.Create(ctx, desiredStage("$default"))
	if err != nil {
		t.Fatal(err)
	}
	if created.DeploymentId != nil || !aws.ToBool(created.AutoDeploy) {
		t.Errorf("CreateStage sent deployment %v, auto deploy %v", aws.ToString(created.DeploymentId), aws.ToBool(created.AutoDeploy))
	}
	if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: obs.ID, Desired: desiredStage("$default"), Live: obs, Diff: diffOf("description")}); err != nil {
		t.Fatal(err)
	}
	if updated.DeploymentId != nil {
		t.Errorf("UpdateStage sent deployment %v", aws.ToString(updated.DeploymentId))
	}
	if !aws.ToBool(updated.AutoDeploy) {
		t.Errorf("UpdateStage must always carry auto_deploy (kumo reads it absent as false)")
	}
}

func TestStageCreateAdoptsOnConflict(t *testing.T) {
	f := stageFake()
	f.CreateStageFn = func(*apigatewayv2.CreateStageInput) (*apigatewayv2.CreateStageOutput, error) { return nil, conflict() }
	f.TagResourceFn = func(in *apigatewayv2.TagResourceInput) (*apigatewayv2.TagResourceOutput, error) {
		if got := aws.ToString(in.ResourceArn); got != "arn:aws:apigateway:us-east-2::/apis/abc123/stages/$default" {
			t.Errorf("tag ARN = %s", got)
		}
		return &apigatewayv2.TagResourceOutput{}, nil
	}
	f.UpdateStageFn = func(*apigatewayv2.UpdateStageInput) (*apigatewayv2.UpdateStageOutput, error) {
		return &apigatewayv2.UpdateStageOutput{}, nil
	}
	k := NewStageWithAPI(f, fakeSTS{}, "us-east-2")
	desired := desiredStage("$default")
	desired["tags"] = map[string]any{reconcile.TagStack: stack, reconcile.TagName: "stage", "team": "trips"}
	obs, err := k.Create(context.Background(), desired)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CreateStage", "GetStage", "GetApi", "UpdateStage", "TagResource", "GetStage", "GetApi"}
	if d := cmp.Diff(want, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if obs.ID != "abc123/$default" {
		t.Errorf("adopted %q", obs.ID)
	}
}

func TestStageUpdateTagsOnly(t *testing.T) {
	f := stageFake()
	f.UntagResourceFn = func(*apigatewayv2.UntagResourceInput) (*apigatewayv2.UntagResourceOutput, error) {
		return &apigatewayv2.UntagResourceOutput{}, nil
	}
	k := NewStageWithAPI(f, fakeSTS{}, "us-east-2")
	live := reconcile.Observation{Exists: true, ID: "abc123/$default", Props: spec.Props{
		"tags": map[string]any{reconcile.TagStack: stack, reconcile.TagName: "stage", "old": "1"},
	}}
	if _, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: live.ID, Desired: desiredStage("$default"), Live: live, Diff: diffOf("tags")}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"UntagResource", "GetStage", "GetApi"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestStageDelete(t *testing.T) {
	var got *apigatewayv2.DeleteStageInput
	f := &fakeAPI{DeleteStageFn: func(in *apigatewayv2.DeleteStageInput) (*apigatewayv2.DeleteStageOutput, error) {
		got = in
		return nil, notFound()
	}}
	k := NewStageWithAPI(f, fakeSTS{}, "us-east-2")
	if err := k.Delete(context.Background(), "abc123/$default"); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.ApiId) != "abc123" || aws.ToString(got.StageName) != "$default" {
		t.Errorf("DeleteStage got %+v", got)
	}
	if err := k.Delete(context.Background(), "no-slash"); err == nil {
		t.Error("Delete of a malformed id should fail")
	}
}
