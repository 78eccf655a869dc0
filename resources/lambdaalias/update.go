package lambdaalias

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Update implements reconcile.Kind. Version and description change in one
// call; function and name are ForceNew.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	function, alias := req.Desired.String("function_name"), req.Desired.String("name")
	if req.ID != "" {
		var err error
		if function, alias, err = ParseID(req.ID); err != nil {
			return reconcile.Observation{}, err
		}
	}
	if req.Diff.Has("permissions") {
		if err := k.removeUndeclared(ctx, function, alias, req.Desired.StringList("permissions"), req.Live.Props.StringList("permissions")); err != nil {
			return reconcile.Observation{}, err
		}
	}
	ob, err := k.update(ctx, function, alias, req.Desired)
	if err != nil {
		return ob, err
	}
	ob.Props["permissions"] = req.Desired["permissions"]
	return ob, nil
}

func (k *Kind) update(ctx context.Context, function, alias string, desired spec.Props) (reconcile.Observation, error) {
	in := &lambda.UpdateAliasInput{
		FunctionName:    aws.String(function),
		Name:            aws.String(alias),
		FunctionVersion: aws.String(desired.String("function_version")),
	}
	if desired.Has("description") {
		in.Description = aws.String(desired.String("description"))
	}
	out, err := k.api.UpdateAlias(ctx, in)
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot update lambda alias %q of function %q: %w", alias, function, err)
	}
	return observation(function, out.AliasArn, out.Name, out.FunctionVersion, out.Description), nil
}
