package lambdaperm

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Create implements reconcile.Kind. A statement already there under the
// same id is adopted when it grants the same thing, and replaced when not.
func (k *Kind) Create(ctx context.Context, desired spec.Props) (reconcile.Observation, error) {
	key := keyOf(desired)
	defer k.lockFunction(key.function)()

	obs, err := k.add(ctx, key, desired)
	var conflict *types.ResourceConflictException
	if !errors.As(err, &conflict) {
		return obs, err
	}
	live, err := k.observe(ctx, key, desired.String("principal"), k.policies.Read)
	if err != nil {
		return reconcile.Observation{}, err
	}
	if live.Exists && same(desired, live.Props) {
		return live, nil
	}
	if err := k.remove(ctx, key); err != nil {
		return reconcile.Observation{}, err
	}
	return k.add(ctx, key, desired)
}

// add calls AddPermission and reads the statement it returns. A conflict
// is returned as is, for Create to handle.
func (k *Kind) add(ctx context.Context, key key, desired spec.Props) (reconcile.Observation, error) {
	action := desired.String("action")
	if action == "" {
		action = "lambda:InvokeFunction"
	}
	in := &lambda.AddPermissionInput{
		FunctionName: aws.String(key.function),
		Qualifier:    qualifier(key.qualifier),
		StatementId:  aws.String(key.sid),
		Action:       aws.String(action),
		Principal:    aws.String(desired.String("principal")),
	}
	if s := desired.String("source_arn"); s != "" {
		in.SourceArn = aws.String(s)
	}
	defer k.policies.Forget(key.function)
	out, err := k.api.AddPermission(ctx, in)
	var conflict *types.ResourceConflictException
	if errors.As(err, &conflict) {
		return reconcile.Observation{}, err
	}
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot add permission %q to lambda function %q: %w", key.sid, key.target(), err)
	}
	st, err := parseStatement([]byte(aws.ToString(out.Statement)))
	if err != nil {
		return reconcile.Observation{}, fmt.Errorf("cannot parse the statement added to lambda function %q: %w", key.target(), err)
	}
	return st.observation(key, desired.String("principal")), nil
}

// same reports whether a live statement grants what desired asks.
func same(desired, live spec.Props) bool {
	action := desired.String("action")
	if action == "" {
		action = "lambda:InvokeFunction"
	}
	return live.String("action") == action &&
		live.String("principal") == desired.String("principal") &&
		live.String("source_arn") == desired.String("source_arn")
}
