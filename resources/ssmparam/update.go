package ssmparam

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Update overwrites the parameter only when a field PutParameter carries
// differs (each overwrite makes a new version, and a parameter keeps only
// 100), and changes tags with their own calls.
func (k *Kind) Update(ctx context.Context, req reconcile.UpdateRequest) (reconcile.Observation, error) {
	name := req.ID
	if name == "" {
		name = req.Desired.String("name")
	}
	desired := withName(req.Desired, name)
	for _, f := range []string{"value", "type", "description", "tier", "key_id"} {
		if req.Diff.Has(f) {
			if err := k.put(ctx, desired); err != nil {
				return reconcile.Observation{}, err
			}
			break
		}
	}
	if req.Diff.Has("tags") {
		if err := k.syncTags(ctx, name, desired.StringMap("tags"), req.Live.Props.StringMap("tags")); err != nil {
			return reconcile.Observation{}, err
		}
	}
	return k.observeAfterWrite(ctx, name, desired)
}

func withName(p spec.Props, name string) spec.Props {
	out := make(spec.Props, len(p)+1)
	for k, v := range p {
		out[k] = v
	}
	out["name"] = name
	return out
}

// syncTags turns the tags got into want.
func (k *Kind) syncTags(ctx context.Context, name string, want, got map[string]string) error {
	set, remove := reconcile.TagChanges(want, got)
	if len(set) > 0 {
		_, err := k.api.AddTagsToResource(ctx, &ssm.AddTagsToResourceInput{
			ResourceType: types.ResourceTypeForTaggingParameter,
			ResourceId:   aws.String(name),
			Tags:         tagList(set),
		})
		if err != nil {
			return fmt.Errorf("cannot tag ssm parameter %q: %w", name, err)
		}
	}
	if len(remove) > 0 {
		_, err := k.api.RemoveTagsFromResource(ctx, &ssm.RemoveTagsFromResourceInput{
			ResourceType: types.ResourceTypeForTaggingParameter,
			ResourceId:   aws.String(name),
			TagKeys:      remove,
		})
		if err != nil {
			return fmt.Errorf("cannot untag ssm parameter %q: %w", name, err)
		}
	}
	return nil
}
