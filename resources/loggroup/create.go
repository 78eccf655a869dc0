package loggroup

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Create makes the log group with its key and tags, then sets its
// retention, which CreateLogGroup does not take. A group that already
// exists (Lambda made it on a first invocation, or a killed run did) is
// adopted and brought to the desired retention, key and tags.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	name := desired.String("name")
	in := &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}
	if key := desired.String("kms_key_id"); key != "" {
		in.KmsKeyId = aws.String(key)
	}
	if tags := desired.StringMap("tags"); len(tags) > 0 {
		in.Tags = tags
	}
	_, err := k.api.CreateLogGroup(ctx, in)
	var exists *types.ResourceAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		live, err := k.observeAfterWrite(ctx, name, nil)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if err := k.converge(ctx, desired, live, differs(desired, live.Props)); err != nil {
			return reconcile.Observation{}, err
		}
	case err != nil:
		return reconcile.Observation{}, fmt.Errorf("cannot create log group %q: %w", name, err)
	default:
		if desired.Int("retention_days") > 0 {
			if err := k.putRetention(ctx, name, desired.Int("retention_days")); err != nil {
				return reconcile.Observation{}, err
			}
		}
	}
	return k.observeAfterWrite(ctx, name, desired)
}

// differs reports, for an adopted group, which fields differ from desired.
func differs(desired, live spec.Props) func(string) bool {
	return func(field string) bool {
		switch field {
		case "retention_days":
			return desired.Int(field) != live.Int(field)
		case "tags":
			set, remove := reconcile.TagChanges(desired.StringMap(field), live.StringMap(field))
			return len(set) > 0 || len(remove) > 0
		default:
			return desired.String(field) != live.String(field)
		}
	}
}

// What the write just set need not be read back: written, when not nil,
// is what was written, and subscription_filters is taken from it instead of read.
func (k *Kind) observeAfterWrite(ctx context.Context, name string, written spec.Props) (reconcile.Observation, error) {
	req := reconcile.ObserveRequest{ID: name}
	if written != nil {
		req.Ignore = []string{"subscription_filters"}
	}
	obs, err := k.Observe(ctx, req)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !obs.Exists {
		return reconcile.Observation{}, fmt.Errorf("log group %q is missing right after it was written", name)
	}
	if written != nil {
		if v, ok := spec.WithDefaults(k.Schema(), written)["subscription_filters"]; ok {
			obs.Props["subscription_filters"] = v
		}
	}
	return obs, nil
}
