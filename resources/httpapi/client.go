package httpapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// API is the part of the API Gateway v2 client the four kinds call.
type API interface {
	CreateApi(ctx context.Context, in *apigatewayv2.CreateApiInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateApiOutput, error)
	GetApi(ctx context.Context, in *apigatewayv2.GetApiInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApiOutput, error)
	GetApis(ctx context.Context, in *apigatewayv2.GetApisInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetApisOutput, error)
	UpdateApi(ctx context.Context, in *apigatewayv2.UpdateApiInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateApiOutput, error)
	DeleteApi(ctx context.Context, in *apigatewayv2.DeleteApiInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteApiOutput, error)
	DeleteCorsConfiguration(ctx context.Context, in *apigatewayv2.DeleteCorsConfigurationInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteCorsConfigurationOutput, error)

	TagResource(ctx context.Context, in *apigatewayv2.TagResourceInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *apigatewayv2.UntagResourceInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.UntagResourceOutput, error)

	CreateIntegration(ctx context.Context, in *apigatewayv2.CreateIntegrationInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateIntegrationOutput, error)
	GetIntegration(ctx context.Context, in *apigatewayv2.GetIntegrationInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationOutput, error)
	GetIntegrations(ctx context.Context, in *apigatewayv2.GetIntegrationsInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetIntegrationsOutput, error)
	UpdateIntegration(ctx context.Context, in *apigatewayv2.UpdateIntegrationInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateIntegrationOutput, error)
	DeleteIntegration(ctx context.Context, in *apigatewayv2.DeleteIntegrationInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteIntegrationOutput, error)

	CreateRoute(ctx context.Context, in *apigatewayv2.CreateRouteInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateRouteOutput, error)
	GetRoute(ctx context.Context, in *apigatewayv2.GetRouteInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRouteOutput, error)
	GetRoutes(ctx context.Context, in *apigatewayv2.GetRoutesInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetRoutesOutput, error)
	UpdateRoute(ctx context.Context, in *apigatewayv2.UpdateRouteInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateRouteOutput, error)
	DeleteRoute(ctx context.Context, in *apigatewayv2.DeleteRouteInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteRouteOutput, error)

	CreateStage(ctx context.Context, in *apigatewayv2.CreateStageInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.CreateStageOutput, error)
	GetStages(ctx context.Context, in *apigatewayv2.GetStagesInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStagesOutput, error)
	GetStage(ctx context.Context, in *apigatewayv2.GetStageInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.GetStageOutput, error)
	UpdateStage(ctx context.Context, in *apigatewayv2.UpdateStageInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.UpdateStageOutput, error)
	DeleteStage(ctx context.Context, in *apigatewayv2.DeleteStageInput, optFns ...func(*apigatewayv2.Options)) (*apigatewayv2.DeleteStageOutput, error)
}

var _ API = (*apigatewayv2.Client)(nil)

// STSAPI tells the account and partition the credentials belong to.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ STSAPI = (*sts.Client)(nil)

// isNotFound: API Gateway's not-found.
var isNotFound = kindkit.Is[*types.NotFoundException]

var isConflict = kindkit.Is[*types.ConflictException]
