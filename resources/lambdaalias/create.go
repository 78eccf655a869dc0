package lambdaalias

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Create implements reconcile.Kind. An alias that already exists (a killed
// run made it, or it was made by hand) is adopted and pointed where the
// spec says.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	function, alias := desired.String("function_name"), desired.String("name")
	in := &lambda.CreateAliasInput{
		FunctionName:    aws.String(function),
		Name:            aws.String(alias),
		FunctionVersion: aws.String(desired.String("function_version")),
	}
	if desired.Has("description") {
		in.Description = aws.String(desired.String("description"))
	}
	defer k.policies.Forget(function)
	out, err := k.api.CreateAlias(ctx, in)
	if isConflict(err) {
		return k.update(ctx, function, alias, desired)
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot create lambda alias %q of function %q: %w", alias, function, err)
	}
	return observation(function, out.AliasArn, out.Name, out.FunctionVersion, out.Description), nil
}

// isConflict reports whether CreateAlias said the alias exists. AWS
// answers ResourceConflictException; moto 5.2.5 answers an unmodelled
// "ConflictException" code, which has no type to match.
func isConflict(err error) bool {
	var conflict *types.ResourceConflictException
	if errors.As(err, &conflict) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ConflictException"
}
