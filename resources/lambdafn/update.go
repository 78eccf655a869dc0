package lambdafn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Update implements reconcile.Kind. It follows the order Lambda needs,
// waiting for each step to settle before the next: configuration, then code
// (only when the diff names image_uri: CD owns the image otherwise), then a
// new version when publish is set and either changed, then tags, which need
// no wait and never make a version.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	name := req.ID
	if name == "" {
		name = req.Desired.String("name")
	}
	desired := spec.WithDefaults(k.Schema(), req.Desired)
	changed := false

	// What widens access goes first.
	if err := k.removeAttachments(ctx, name, desired, req.Live.Props, req.Diff.Has); err != nil {
		return reconcile.Observation{}, err
	}

	if in := configUpdate(name, desired, req.Diff); in != nil {
		_, err := k.api.UpdateFunctionConfiguration(ctx, in, k.waitRetry())
		if isRolePropagation(err) {
			return reconcile.Observation{}, fmt.Errorf("cannot update lambda function %q: Lambda still refuses role %s after retrying for %s (a changed role takes seconds to propagate; if this persists, check its trust policy and permissions): %w",
				name, desired.String("role"), k.retryFor, err)
		}
		if err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update the configuration of lambda function %q: %w", name, err)
		}
		if err := k.waitUpdated(ctx, name); err != nil {
			return reconcile.Observation{}, err
		}
		changed = true
	}

	if req.Diff.Has("image_uri") {
		_, err := k.api.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{
			FunctionName: aws.String(name),
			ImageUri:     aws.String(desired.String("image_uri")),
		}, k.waitRetry())
		if err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot update the image of lambda function %q: %w", name, err)
		}
		if err := k.waitUpdated(ctx, name); err != nil {
			return reconcile.Observation{}, err
		}
		changed = true
	}

	if changed && desiredPublish(desired) {
		out, err := k.api.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String(name)}, k.waitRetry())
		if err != nil {
			return reconcile.Observation{}, fmt.Errorf("cannot publish a version of lambda function %q: %w", name, err)
		}
		if err := k.waitVersion(ctx, name, aws.ToString(out.Version)); err != nil {
			return reconcile.Observation{}, err
		}
	}

	if req.Diff.Has("tags") {
		if err := k.syncTags(ctx, name, req.Live, desired.StringMap("tags")); err != nil {
			return reconcile.Observation{}, err
		}
	}

	obs, err := k.observe(ctx, name)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !obs.Exists {
		return reconcile.Observation{}, fmt.Errorf("lambda function %q disappeared while being updated", name)
	}
	obs.Props["publish"] = desiredPublish(desired)
	return obs, nil
}

// configUpdate returns the UpdateFunctionConfiguration call for the
// configuration fields in diff, nil when there are none.
func configUpdate(name string, desired spec.Props, diff reconcile.Diff) *lambda.UpdateFunctionConfigurationInput {
	in := &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(name)}
	some := false
	if diff.Has("role") {
		in.Role, some = aws.String(desired.String("role")), true
	}
	if diff.Has("memory_size") {
		in.MemorySize, some = aws.Int32(int32(desired.Int("memory_size"))), true
	}
	if diff.Has("timeout") {
		in.Timeout, some = aws.Int32(int32(desired.Int("timeout"))), true
	}
	if diff.Has("environment") {
		// A non-nil empty map clears every variable.
		vars := desired.StringMap("environment")
		if vars == nil {
			vars = map[string]string{}
		}
		in.Environment, some = &types.Environment{Variables: vars}, true
	}
	if diff.Has("description") {
		in.Description, some = aws.String(desired.String("description")), true
	}
	if !some {
		return nil
	}
	return in
}

func (k *Kind) waitUpdated(ctx context.Context, name string) error {
	_, err := WaitUpdated(ctx, k.api, name, k.waitFor)
	return err
}

func (k *Kind) syncTags(ctx context.Context, name string, live reconcile.Observation, want map[string]string) error {
	arn := live.Attrs["arn"]
	if arn == "" {
		obs, err := k.observe(ctx, name)
		if err != nil {
			return err
		}
		live, arn = obs, obs.Attrs["arn"]
	}
	set, remove := reconcile.TagChanges(want, live.Props.StringMap("tags"))
	if len(remove) > 0 {
		if _, err := k.api.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: remove}); err != nil {
			return fmt.Errorf("cannot remove tags %v from lambda function %q: %w", remove, name, err)
		}
	}
	if len(set) > 0 {
		if _, err := k.api.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: set}); err != nil {
			return fmt.Errorf("cannot tag lambda function %q: %w", name, err)
		}
	}
	return nil
}
