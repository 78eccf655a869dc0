package lambdafn

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Create implements reconcile.Kind. It waits until the function is active,
// and when publish is set CreateFunction publishes version 1 with it.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	desired = spec.WithDefaults(k.Schema(), desired)
	name := desired.String("name")
	publish := desiredPublish(desired)
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Role:         aws.String(desired.String("role")),
		PackageType:  types.PackageType(desired.String("package_type")),
		Code:         &types.FunctionCode{},
		Publish:      publish,
		Tags:         desired.StringMap("tags"),
	}
	if in.PackageType == "" {
		in.PackageType = types.PackageTypeImage
	}
	if s := desired.String("image_uri"); s != "" {
		in.Code.ImageUri = aws.String(s)
	}
	for _, a := range desired.StringList("architectures") {
		in.Architectures = append(in.Architectures, types.Architecture(a))
	}
	if desired.Has("memory_size") {
		in.MemorySize = aws.Int32(int32(desired.Int("memory_size")))
	}
	if desired.Has("timeout") {
		in.Timeout = aws.Int32(int32(desired.Int("timeout")))
	}
	if desired.Has("environment") {
		in.Environment = &types.Environment{Variables: desired.StringMap("environment")}
	}
	if desired.Has("description") {
		in.Description = aws.String(desired.String("description"))
	}

	defer k.policies.Forget(name)
	out, err := k.api.CreateFunction(ctx, in, k.waitRetry())
	var conflict *types.ResourceConflictException
	switch {
	case errors.As(err, &conflict) && !isUpdateInProgress(err):
		// "Function already exist": a run killed after creating it did
		// not record it. Adopt it.
		return k.adopt(ctx, desired)
	case isRolePropagation(err):
		return reconcile.Observation{}, fmt.Errorf("cannot create lambda function %q: Lambda still refuses role %s after retrying for %s (a new role takes seconds to propagate; if this persists, check that its trust policy allows lambda.amazonaws.com): %w",
			name, desired.String("role"), k.retryFor, err)
	case err != nil:
		return reconcile.Observation{}, fmt.Errorf("cannot create lambda function %q: %w", name, err)
	}

	if err := lambda.NewFunctionActiveV2Waiter(k.api).Wait(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, k.waitFor); err != nil {
		return reconcile.Observation{}, fmt.Errorf("lambda function %q did not become active: %w", name, err)
	}
	if v := aws.ToString(out.Version); publish && v != "" && v != "$LATEST" {
		if err := k.waitVersion(ctx, name, v); err != nil {
			return reconcile.Observation{}, err
		}
	}
	obs, err := k.observe(ctx, name)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !obs.Exists {
		return reconcile.Observation{}, fmt.Errorf("lambda function %q was created but cannot be read back", name)
	}
	obs.Props["publish"] = publish
	return obs, nil
}

// adopt takes over a function that already exists under the desired name
// and brings its updatable fields to the desired values. The image is
// CreateOnly and left alone; a differing ForceNew field (package type,
// architecture) cannot be changed in place and shows up in the next plan.
func (k *Kind) adopt(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	name := desired.String("name")
	live, err := k.observe(ctx, name)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !live.Exists {
		return reconcile.Observation{}, fmt.Errorf("cannot create lambda function %q: AWS says it exists, but it cannot be read", name)
	}
	live.Props["publish"] = desiredPublish(desired)
	return k.Update(ctx, reconcile.UpdateRequest{
		ID:      name,
		Desired: desired,
		Live:    live,
		Diff:    adoptDiff(desired, live.Props),
	})
}

// adoptDiff lists the updatable fields whose live value differs from the
// desired one. The engine's diff is not at hand inside Create; these fields
// are plain strings, integers and string maps.
func adoptDiff(desired, live spec.Props) reconcile.Diff {
	var d reconcile.Diff
	for _, f := range []string{"description", "environment", "memory_size", "role", "tags", "timeout"} {
		if !desired.Has(f) {
			continue
		}
		var same bool
		switch f {
		case "environment", "tags":
			same = maps.Equal(desired.StringMap(f), live.StringMap(f))
		case "memory_size", "timeout":
			same = desired.Int(f) == live.Int(f)
		default:
			same = desired.String(f) == live.String(f)
		}
		if !same {
			d = append(d, reconcile.FieldDiff{Path: f, Before: live[f], After: desired[f]})
		}
	}
	return d
}

func (k *Kind) waitVersion(ctx context.Context, name, version string) error {
	return WaitVersionActive(ctx, k.api, name, version, k.waitFor)
}
