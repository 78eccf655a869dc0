package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func lambdacontextWithRequestID(ctx context.Context, id string) context.Context {
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: id})
}
