package lambdaalias

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Delete implements reconcile.Kind. An alias of a function already gone is
// gone too.
func (k *Kind) Delete(ctx context.Context, id string) error {
	function, alias, err := ParseID(id)
	if err != nil {
		return err
	}
	defer k.policies.Forget(function)
	_, err = k.api.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete lambda alias %q of function %q: %w", alias, function, err)
	}
	return nil
}
