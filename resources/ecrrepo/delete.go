package ecrrepo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// Delete removes the repository known by id, with its images when the ID
// says force; an absent repository is already deleted. Without force, a
// repository holding images fails with RepositoryNotEmptyException, which
// is the point: images are not removed unless the spec said so.
func (k *Kind) Delete(ctx context.Context, id string) error {
	name, force := parseID(id)
	_, err := k.api.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(name), Force: force})
	var notFound *types.RepositoryNotFoundException
	if err != nil && !errors.As(err, &notFound) {
		return fmt.Errorf("cannot delete ecr repository %q: %w", name, err)
	}
	return nil
}
