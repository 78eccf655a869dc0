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
	"github.com/trip-assistant/stack/resources/internal/kindkit"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

// Create makes the repository with its mutability, scan setting and tags,
// then puts the lifecycle policy, which CreateRepository does not take. A
// repository that already exists is adopted and brought to desired.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	name := desired.String("name")
	id := idFor(name, desired.Bool("force_delete"))
	_, err := k.api.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName:             aws.String(name),
		ImageTagMutability:         types.ImageTagMutability(stringOr(desired, "image_tag_mutability", mutable)),
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: desired.Bool("scan_on_push")},
		Tags:                       tagList(desired.StringMap("tags")),
	})
	var exists *types.RepositoryAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		live, err := k.observeAfterWrite(ctx, id, nil)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if err := k.converge(ctx, desired, live, differs(desired, live.Props)); err != nil {
			return reconcile.Observation{}, err
		}
	case err != nil:
		return reconcile.Observation{}, fmt.Errorf("cannot create ecr repository %q: %w", name, err)
	default:
		if !emptyPolicy(desired["lifecycle_policy"]) {
			if err := k.putPolicy(ctx, name, desired["lifecycle_policy"]); err != nil {
				return reconcile.Observation{}, err
			}
		}
		if !emptyPolicy(desired["policy"]) {
			if err := k.setRepositoryPolicy(ctx, name, desired["policy"]); err != nil {
				return reconcile.Observation{}, err
			}
		}
	}
	return k.observeAfterWrite(ctx, id, desired)
}

// differs reports, for an adopted repository, which fields differ from
// desired.
func differs(desired, live spec.Props) func(string) bool {
	return func(field string) bool {
		switch field {
		case "image_tag_mutability":
			return stringOr(desired, field, mutable) != live.String(field)
		case "scan_on_push":
			return desired.Bool(field) != live.Bool(field)
		case "lifecycle_policy":
			return !LifecyclePolicyEqual(desired[field], live[field])
		case "policy":
			if emptyPolicy(desired[field]) || emptyPolicy(live[field]) {
				return emptyPolicy(desired[field]) != emptyPolicy(live[field])
			}
			return !policydoc.Equal(desired[field], live[field])
		case "tags":
			set, remove := reconcile.TagChanges(desired.StringMap(field), live.StringMap(field))
			return len(set) > 0 || len(remove) > 0
		}
		return false
	}
}

// What the write just set need not be read back: written, when not nil,
// is what was written, and policy is taken from it instead of read.
func (k *Kind) observeAfterWrite(ctx context.Context, id string, written spec.Props) (reconcile.Observation, error) {
	req := reconcile.ObserveRequest{ID: id}
	if written != nil {
		req.Ignore = []string{"policy"}
	}
	obs, err := k.Observe(ctx, req)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !obs.Exists {
		name, _ := parseID(id)
		return reconcile.Observation{}, fmt.Errorf("ecr repository %q is missing right after it was written", name)
	}
	if written != nil {
		if v, ok := spec.WithDefaults(k.Schema(), written)["policy"]; ok {
			obs.Props["policy"] = v
		}
	}
	return obs, nil
}

var stringOr = kindkit.StringOr

func tagList(m map[string]string) []types.Tag {
	return kindkit.TagListOrNil(m, func(k, v *string) types.Tag { return types.Tag{Key: k, Value: v} })
}
