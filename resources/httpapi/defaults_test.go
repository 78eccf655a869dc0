package httpapi

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// The engine hands Create the props as the spec wrote them; unset fields
// must still be created as their defaults say.
func TestCreateFillsDefaults(t *testing.T) {
	ctx := context.Background()

	var integ *apigatewayv2.CreateIntegrationInput
	fi := &fakeAPI{
		GetIntegrationsFn: func(*apigatewayv2.GetIntegrationsInput) (*apigatewayv2.GetIntegrationsOutput, error) {
			return &apigatewayv2.GetIntegrationsOutput{}, nil
		},
		CreateIntegrationFn: func(in *apigatewayv2.CreateIntegrationInput) (*apigatewayv2.CreateIntegrationOutput, error) {
			integ = in
			return &apigatewayv2.CreateIntegrationOutput{IntegrationId: aws.String("i1")}, nil
		},
	}
	if _, err := NewIntegrationWithAPI(fi).Create(ctx, spec.Props{"api_id": "abc123", "integration_uri": aliasARN}); err != nil {
		t.Fatal(err)
	}
	if integ.IntegrationType != types.IntegrationTypeAwsProxy || aws.ToString(integ.PayloadFormatVersion) != "2.0" ||
		aws.ToString(integ.IntegrationMethod) != "POST" || aws.ToInt32(integ.TimeoutInMillis) != 30000 {
		t.Errorf("CreateIntegration sent %+v", integ)
	}

	var stage *apigatewayv2.CreateStageInput
	fs := stageFake()
	fs.CreateStageFn = func(in *apigatewayv2.CreateStageInput) (*apigatewayv2.CreateStageOutput, error) {
		stage = in
		return &apigatewayv2.CreateStageOutput{}, nil
	}
	obs, err := NewStageWithAPI(fs, fakeSTS{}, "us-east-2").Create(ctx, spec.Props{"api_id": "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(stage.StageName) != "$default" || !aws.ToBool(stage.AutoDeploy) || obs.ID != "abc123/$default" {
		t.Errorf("CreateStage sent %+v, observed %s", stage, obs.ID)
	}

	var api *apigatewayv2.CreateApiInput
	fa := &fakeAPI{
		GetApisFn: func(*apigatewayv2.GetApisInput) (*apigatewayv2.GetApisOutput, error) {
			return &apigatewayv2.GetApisOutput{}, nil
		},
		CreateApiFn: func(in *apigatewayv2.CreateApiInput) (*apigatewayv2.CreateApiOutput, error) {
			api = in
			return &apigatewayv2.CreateApiOutput{ApiId: aws.String("a1")}, nil
		},
	}
	desired := spec.Props{"name": "n", "cors": map[string]any{"allow_origins": []any{"*"}}}
	if _, err := NewAPIWithAPI(fa, fakeSTS{}, "us-east-2").Create(ctx, desired); err != nil {
		t.Fatal(err)
	}
	if api.ProtocolType != types.ProtocolTypeHttp || api.CorsConfiguration.AllowMethods == nil || api.CorsConfiguration.MaxAge == nil {
		t.Errorf("CreateApi sent %+v (cors %+v)", api, api.CorsConfiguration)
	}
}
