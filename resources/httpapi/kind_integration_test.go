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

const aliasARN = "arn:aws:lambda:us-east-2:123456789012:function:trip-assistant-api-dev:live"

func desiredIntegration() spec.Props {
	return spec.Props{
		"api_id": "abc123", "integration_type": "AWS_PROXY", "integration_uri": aliasARN,
		"integration_method": "POST", "payload_format_version": "2.0", "timeout_ms": int64(30000), "description": "",
	}
}

func integrationFake() *fakeAPI {
	live := types.Integration{
		IntegrationId: aws.String("int1"), IntegrationType: types.IntegrationTypeAwsProxy, IntegrationUri: aws.String(aliasARN),
		IntegrationMethod: aws.String("POST"), PayloadFormatVersion: aws.String("2.0"), TimeoutInMillis: aws.Int32(30000),
	}
	return &fakeAPI{
		GetIntegrationsFn: func(in *apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error) {
			if aws.ToString(in.ApiId) != "abc123" {
				return nil, notFound()
			}
			other := types.Integration{IntegrationId: aws.String("int0"), IntegrationUri: aws.String("arn:aws:lambda:us-east-2:123456789012:function:other")}
			return &apigatewayv2.GetIntegrationsOutput{Items: []types.Integration{other, live}}, nil
		},
		GetIntegrationFn: func(*apigatewayv2.GetIntegrationInput) (*apigatewayv2.GetIntegrationOutput, error) {
			return &apigatewayv2.GetIntegrationOutput{
				IntegrationId: live.IntegrationId, IntegrationType: live.IntegrationType, IntegrationUri: live.IntegrationUri,
				IntegrationMethod: live.IntegrationMethod, PayloadFormatVersion: live.PayloadFormatVersion, TimeoutInMillis: live.TimeoutInMillis,
			}, nil
		},
	}
}

func TestIntegrationObserve(t *testing.T) {
	cases := map[string]struct {
		req    reconcile.ObserveRequest
		wantID string
	}{
		"by id":                {req: reconcile.ObserveRequest{ID: "abc123/int1"}, wantID: "abc123/int1"},
		"by uri":               {req: reconcile.ObserveRequest{Desired: desiredIntegration()}, wantID: "abc123/int1"},
		"api not made yet":     {req: reconcile.ObserveRequest{Desired: spec.Props{"api_id": spec.Unknown{Ref: "http_api.id"}, "integration_uri": aliasARN}}},
		"api gone":             {req: reconcile.ObserveRequest{Desired: spec.Props{"api_id": "gone", "integration_uri": aliasARN}}},
		"no integration there": {req: reconcile.ObserveRequest{Desired: spec.Props{"api_id": "abc123", "integration_uri": "arn:aws:lambda:us-east-2:1:function:x"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			k := NewIntegrationWithAPI(integrationFake())
			obs, err := k.Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if obs.ID != tc.wantID || obs.Exists != (tc.wantID != "") {
				t.Fatalf("Observe = %+v, want id %q", obs, tc.wantID)
			}
			if obs.Exists {
				if d := cmp.Diff(desiredIntegration(), obs.Props); d != "" {
					t.Errorf("props (-want +got):\n%s", d)
				}
				if obs.Attrs["id"] != "int1" {
					t.Errorf("attr id = %q, want int1", obs.Attrs["id"])
				}
			}
		})
	}
}

func TestIntegrationCreateAndUpdate(t *testing.T) {
	f := integrationFake()
	f.GetIntegrationsFn = func(*apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error) {
		return &apigatewayv2.GetIntegrationsOutput{}, nil
	}
	var created *apigatewayv2.CreateIntegrationInput
	f.CreateIntegrationFn = func(in *apigatewayv2.CreateIntegrationInput) (*apigatewayv2.CreateIntegrationOutput, error) {
		created = in
		return &apigatewayv2.CreateIntegrationOutput{IntegrationId: aws.String("int9"), IntegrationUri: in.IntegrationUri}, nil
	}
	var updated *apigatewayv2.UpdateIntegrationInput
	f.UpdateIntegrationFn = func(in *apigatewayv2.UpdateIntegrationInput) (*apigatewayv2.UpdateIntegrationOutput, error) {
		updated = in
		return &apigatewayv2.UpdateIntegrationOutput{}, nil
	}
	k := NewIntegrationWithAPI(f)
	ctx := context.Background()
	obs, err := k.Create(ctx, desiredIntegration())
	if err != nil {
		t.Fatal(err)
	}
	if obs.ID != "abc123/int9" || aws.ToString(created.PayloadFormatVersion) != "2.0" || created.IntegrationType != types.IntegrationTypeAwsProxy {
		t.Errorf("Create sent %+v, observed %+v", created, obs)
	}
	desired := desiredIntegration()
	desired["timeout_ms"] = int64(10000)
	if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: obs.ID, Desired: desired, Live: obs, Diff: diffOf("timeout_ms")}); err != nil {
		t.Fatal(err)
	}
	want := &apigatewayv2.UpdateIntegrationInput{ApiId: aws.String("abc123"), IntegrationId: aws.String("int9"), TimeoutInMillis: aws.Int32(10000)}
	if d := cmp.Diff(want, updated, cmpIgnoreUnexported()); d != "" {
		t.Errorf("UpdateIntegration (-want +got):\n%s", d)
	}
}

func TestIntegrationDeleteAbsent(t *testing.T) {
	f := &fakeAPI{DeleteIntegrationFn: func(*apigatewayv2.DeleteIntegrationInput) (*apigatewayv2.DeleteIntegrationOutput, error) {
		return nil, notFound()
	}}
	if err := NewIntegrationWithAPI(f).Delete(context.Background(), "abc123/int1"); err != nil {
		t.Errorf("Delete(absent) = %v", err)
	}
}
