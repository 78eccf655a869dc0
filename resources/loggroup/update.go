package loggroup

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Update changes only the fields in the diff.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	name := req.ID
	if name == "" {
		name = req.Desired.String("name")
	}
	live := req.Live
	if live.Attrs["arn"] == "" && req.Diff.Has("tags") {
		var err error
		if live, err = k.observeAfterWrite(ctx, name, nil); err != nil {
			return reconcile.Observation{}, err
		}
	}
	live.ID = name
	if err := k.converge(ctx, req.Desired, live, req.Diff.Has); err != nil {
		return reconcile.Observation{}, err
	}
	return k.observeAfterWrite(ctx, name, req.Desired)
}

// converge calls the API of each changed field to make live match desired.
func (k *Kind) converge(ctx context.Context, desired spec.Props, live reconcile.Observation, changed func(string) bool) error {
	name := live.ID
	if changed("retention_days") {
		if desired.Int("retention_days") > 0 {
			if err := k.putRetention(ctx, name, desired.Int("retention_days")); err != nil {
				return err
			}
		} else {
			// Unset retention means events never expire.
			_, err := k.api.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(name)})
			if err != nil {
				return fmt.Errorf("cannot remove the retention of log group %q: %w", name, err)
			}
		}
	}
	if changed("kms_key_id") {
		if key := desired.String("kms_key_id"); key != "" {
			_, err := k.api.AssociateKmsKey(ctx, &cloudwatchlogs.AssociateKmsKeyInput{LogGroupName: aws.String(name), KmsKeyId: aws.String(key)})
			if err != nil {
				return fmt.Errorf("cannot set the kms key of log group %q: %w", name, err)
			}
		} else {
			_, err := k.api.DisassociateKmsKey(ctx, &cloudwatchlogs.DisassociateKmsKeyInput{LogGroupName: aws.String(name)})
			if err != nil {
				return fmt.Errorf("cannot remove the kms key of log group %q: %w", name, err)
			}
		}
	}
	if changed("subscription_filters") {
		want := desired.StringList("subscription_filters")
		for _, f := range live.Props.StringList("subscription_filters") {
			if slices.Contains(want, f) {
				continue
			}
			_, err := k.api.DeleteSubscriptionFilter(ctx, &cloudwatchlogs.DeleteSubscriptionFilterInput{LogGroupName: aws.String(name), FilterName: aws.String(f)})
			var gone *types.ResourceNotFoundException
			if err != nil && !errors.As(err, &gone) {
				return fmt.Errorf("cannot delete subscription filter %q of log group %q: %w", f, name, err)
			}
		}
	}
	if changed("tags") {
		arn := live.Attrs["arn"]
		set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.Props.StringMap("tags"))
		if len(set) > 0 {
			if _, err := k.api.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: aws.String(arn), Tags: set}); err != nil {
				return fmt.Errorf("cannot tag log group %q: %w", name, err)
			}
		}
		if len(remove) > 0 {
			if _, err := k.api.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
				return fmt.Errorf("cannot untag log group %q: %w", name, err)
			}
		}
	}
	return nil
}

func (k *Kind) putRetention(ctx context.Context, name string, days int64) error {
	_, err := k.api.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName:    aws.String(name),
		RetentionInDays: aws.Int32(int32(days)),
	})
	if err != nil {
		return fmt.Errorf("cannot set the retention of log group %q to %d days: %w", name, days, err)
	}
	return nil
}
