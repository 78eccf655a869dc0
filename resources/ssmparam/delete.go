package ssmparam

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Delete removes the parameter named id; an absent one is already deleted.
func (k *Kind) Delete(ctx context.Context, id string) error {
	_, err := k.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(id)})
	var notFound *types.ParameterNotFound
	if err != nil && !errors.As(err, &notFound) {
		return fmt.Errorf("cannot delete ssm parameter %q: %w", id, err)
	}
	return nil
}
