package ecrrepo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Update calls only the APIs of the fields in the diff. A change of
// force_delete calls none: it changes the returned ID.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	name, force := parseID(req.ID)
	if name == "" {
		name = req.Desired.String("name")
	}
	if req.Desired != nil {
		force = req.Desired.Bool("force_delete")
	}
	live := req.Live
	if live.Attrs["arn"] == "" && req.Diff.Has("tags") {
		var err error
		if live, err = k.observeAfterWrite(ctx, idFor(name, force), nil); err != nil {
			return reconcile.Observation{}, err
		}
	}
	live.ID = idFor(name, force)
	if err := k.converge(ctx, req.Desired, live, req.Diff.Has); err != nil {
		return reconcile.Observation{}, err
	}
	return k.observeAfterWrite(ctx, idFor(name, force), req.Desired)
}

// converge calls the API of each changed field to make live match desired.
func (k *Kind) converge(ctx context.Context, desired spec.Props, live reconcile.Observation, changed func(string) bool) error {
	name, _ := parseID(live.ID)
	if changed("image_tag_mutability") {
		m := stringOr(desired, "image_tag_mutability", mutable)
		_, err := k.api.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{
			RepositoryName:     aws.String(name),
			ImageTagMutability: types.ImageTagMutability(m),
		})
		if err != nil {
			return fmt.Errorf("cannot set the tag mutability of ecr repository %q to %s: %w", name, m, err)
		}
	}
	if changed("scan_on_push") {
		_, err := k.api.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{
			RepositoryName:             aws.String(name),
			ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: desired.Bool("scan_on_push")},
		})
		if err != nil {
			return fmt.Errorf("cannot set scan on push of ecr repository %q: %w", name, err)
		}
	}
	if changed("lifecycle_policy") {
		if !emptyPolicy(desired["lifecycle_policy"]) {
			if err := k.putPolicy(ctx, name, desired["lifecycle_policy"]); err != nil {
				return err
			}
		} else {
			_, err := k.api.DeleteLifecyclePolicy(ctx, &ecr.DeleteLifecyclePolicyInput{RepositoryName: aws.String(name)})
			var noPolicy *types.LifecyclePolicyNotFoundException
			if err != nil && !errors.As(err, &noPolicy) {
				return fmt.Errorf("cannot delete the lifecycle policy of ecr repository %q: %w", name, err)
			}
		}
	}
	if changed("policy") {
		if err := k.setRepositoryPolicy(ctx, name, desired["policy"]); err != nil {
			return err
		}
	}
	if changed("tags") {
		arn := live.Attrs["arn"]
		set, remove := reconcile.TagChanges(desired.StringMap("tags"), live.Props.StringMap("tags"))
		if len(set) > 0 {
			if _, err := k.api.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: aws.String(arn), Tags: tagList(set)}); err != nil {
				return fmt.Errorf("cannot tag ecr repository %q: %w", name, err)
			}
		}
		if len(remove) > 0 {
			if _, err := k.api.UntagResource(ctx, &ecr.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: remove}); err != nil {
				return fmt.Errorf("cannot untag ecr repository %q: %w", name, err)
			}
		}
	}
	return nil
}

func (k *Kind) putPolicy(ctx context.Context, name string, policy any) error {
	text, err := policyText(policy)
	if err != nil {
		return fmt.Errorf("cannot set the lifecycle policy of ecr repository %q: %w", name, err)
	}
	_, err = k.api.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{
		RepositoryName:      aws.String(name),
		LifecyclePolicyText: aws.String(text),
	})
	if err != nil {
		return fmt.Errorf("cannot set the lifecycle policy of ecr repository %q: %w", name, err)
	}
	return nil
}

// setRepositoryPolicy sets the repository policy, or deletes it when
// policy is empty (none is declared).
func (k *Kind) setRepositoryPolicy(ctx context.Context, name string, policy any) error {
	if emptyPolicy(policy) {
		_, err := k.api.DeleteRepositoryPolicy(ctx, &ecr.DeleteRepositoryPolicyInput{RepositoryName: aws.String(name)})
		var none *types.RepositoryPolicyNotFoundException
		if err != nil && !errors.As(err, &none) {
			return fmt.Errorf("cannot delete the repository policy of ecr repository %q: %w", name, err)
		}
		return nil
	}
	text, err := policydoc.Marshal(policy)
	if err == nil {
		_, err = k.api.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String(name), PolicyText: aws.String(text)})
	}
	if err != nil {
		return fmt.Errorf("cannot set the repository policy of ecr repository %q: %w", name, err)
	}
	return nil
}
