package main

import (
	"context"
	"errors"
)

// deployCommand moves a function to a new image (issue: deploys).
type deployCommand struct{}

func (c *deployCommand) Run(ctx context.Context, args []string) error {
	return errors.New("deploy is not implemented yet")
}
