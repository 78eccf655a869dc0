package httpapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// updateTags makes the tags of resourceARN equal to want, given the live
// tags got: one TagResource for what is new or changed, one UntagResource
// for what is gone, neither when there is nothing to do.
func updateTags(ctx context.Context, api API, resourceARN string, want, got map[string]string) error {
	set, remove := reconcile.TagChanges(want, got)
	if len(set) > 0 {
		if _, err := api.TagResource(ctx, &apigatewayv2.TagResourceInput{ResourceArn: aws.String(resourceARN), Tags: set}); err != nil {
			return fmt.Errorf("cannot tag %s: %w", resourceARN, err)
		}
	}
	if len(remove) > 0 {
		if _, err := api.UntagResource(ctx, &apigatewayv2.UntagResourceInput{ResourceArn: aws.String(resourceARN), TagKeys: remove}); err != nil {
			return fmt.Errorf("cannot untag %s: %w", resourceARN, err)
		}
	}
	return nil
}

// tagMap returns the live tags as Observe reports them: never nil, so an
// untagged resource compares as {} with a desired map.
func tagMap(m map[string]string) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return spec.StringMapValue(m)
}

// changedFn says whether a field needs changing. Update passes its diff's
// Has; Create passes everything when it adopts a resource that already
// exists, since it has no diff to go by.
type changedFn func(path string) bool

func everything(string) bool { return true }
