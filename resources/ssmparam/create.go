package ssmparam

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindkit"
)

// Create puts a new parameter with Overwrite=false, which fails with
// ParameterAlreadyExists when the name is taken. Then it adopts the
// parameter: overwrites it (without Tags, which AWS rejects together with
// Overwrite) and brings its tags to the desired ones.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	name := desired.String("name")
	in := putInput(desired, false)
	in.Tags = tagList(desired.StringMap("tags"))
	_, err := k.api.PutParameter(ctx, in)
	var exists *types.ParameterAlreadyExists
	switch {
	case errors.As(err, &exists):
		if err := k.put(ctx, desired); err != nil {
			return reconcile.Observation{}, err
		}
		got, err := k.listTags(ctx, name)
		if err != nil {
			return reconcile.Observation{}, err
		}
		if err := k.syncTags(ctx, name, desired.StringMap("tags"), got); err != nil {
			return reconcile.Observation{}, err
		}
	case err != nil:
		return reconcile.Observation{}, fmt.Errorf("cannot create ssm parameter %q: %w", name, redact(err, desired.String("value")))
	}
	return k.observeAfterWrite(ctx, name, desired)
}

// putInput is the PutParameter call that makes the parameter match
// desired. Description is always sent so that removing it from the spec
// clears it; KeyId only when named, else SecureString uses alias/aws/ssm.
func putInput(desired spec.Props, overwrite bool) *ssm.PutParameterInput {
	in := &ssm.PutParameterInput{
		Name:        aws.String(desired.String("name")),
		Value:       aws.String(desired.String("value")),
		Type:        types.ParameterType(stringOr(desired, "type", typeString)),
		Tier:        types.ParameterTier(stringOr(desired, "tier", tierStandard)),
		Description: aws.String(desired.String("description")),
		Overwrite:   aws.Bool(overwrite),
	}
	if key := desired.String("key_id"); key != "" && in.Type == types.ParameterTypeSecureString {
		in.KeyId = aws.String(key)
	}
	return in
}

// put overwrites the parameter's value and settings.
func (k *Kind) put(ctx context.Context, desired spec.Props) error {
	if _, err := k.api.PutParameter(ctx, putInput(desired, true)); err != nil {
		return fmt.Errorf("cannot update ssm parameter %q: %w", desired.String("name"), redact(err, desired.String("value")))
	}
	return nil
}

// observeAfterWrite reads the parameter just written; absent means it was
// deleted meanwhile, which the caller must hear about.
func (k *Kind) observeAfterWrite(ctx context.Context, name string, desired spec.Props) (reconcile.Observation, error) {
	obs, err := k.Observe(ctx, reconcile.ObserveRequest{ID: name, Desired: desired})
	if err != nil {
		return reconcile.Observation{}, err
	}
	if !obs.Exists {
		return reconcile.Observation{}, fmt.Errorf("ssm parameter %q is missing right after it was written", name)
	}
	return obs, nil
}

var stringOr = kindkit.StringOr

func tagList(m map[string]string) []types.Tag {
	return kindkit.TagListOrNil(m, func(k, v *string) types.Tag { return types.Tag{Key: k, Value: v} })
}
