package lambdafn

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Delete implements reconcile.Kind. Deleting the function deletes its
// versions and aliases with it.
func (k *Kind) Delete(ctx context.Context, id string) error {
	defer k.policies.Forget(id)
	_, err := k.api.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(id)}, k.waitRetry())
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("cannot delete lambda function %q: %w", id, err)
	}
	return nil
}
