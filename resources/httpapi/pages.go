package httpapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
)

// allPages reads every page of an API Gateway listing (the SDK has no
// paginators for them): page is called with the NextToken of the answer
// before (nil first) and returns its items and the next token.
func allPages[T any](page func(token *string) ([]T, *string, error)) ([]T, error) {
	var all []T
	var token *string
	for {
		items, next, err := page(token)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if aws.ToString(next) == "" {
			return all, nil
		}
		token = next
	}
}

// listRoutes lists every route of the API.
func listRoutes(ctx context.Context, api API, apiID string) ([]types.Route, error) {
	routes, err := allPages(func(token *string) ([]types.Route, *string, error) {
		out, err := api.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: aws.String(apiID), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list the routes of http api %s: %w", apiID, err)
	}
	return routes, nil
}

// listIntegrations lists every integration of the API.
func listIntegrations(ctx context.Context, api API, apiID string) ([]types.Integration, error) {
	integrations, err := allPages(func(token *string) ([]types.Integration, *string, error) {
		out, err := api.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(apiID), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list the integrations of http api %s: %w", apiID, err)
	}
	return integrations, nil
}

// listStages lists every stage of the API.
func listStages(ctx context.Context, api API, apiID string) ([]types.Stage, error) {
	stages, err := allPages(func(token *string) ([]types.Stage, *string, error) {
		out, err := api.GetStages(ctx, &apigatewayv2.GetStagesInput{ApiId: aws.String(apiID), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Items, out.NextToken, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list the stages of http api %s: %w", apiID, err)
	}
	return stages, nil
}
