package lambdaperm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Delete implements reconcile.Kind.
func (k *Kind) Delete(ctx context.Context, id string) error {
	key, err := parseID(id)
	if err != nil {
		return err
	}
	defer k.lockFunction(key.function)()
	return k.remove(ctx, key)
}

// remove deletes the statement; one already gone (or whose function is) is
// fine. The caller holds the function's lock.
func (k *Kind) remove(ctx context.Context, key key) error {
	defer k.policies.Forget(key.function)
	_, err := k.api.RemovePermission(ctx, &lambda.RemovePermissionInput{
		FunctionName: aws.String(key.function),
		Qualifier:    qualifier(key.qualifier),
		StatementId:  aws.String(key.sid),
	})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot remove permission %q from lambda function %q: %w", key.sid, key.target(), err)
	}
	return nil
}
