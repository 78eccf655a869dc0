package main

import (
	"context"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec/jsonschema"
	"github.com/trip-assistant/stack/resources/kinds"
)

// schemaCommand prints the JSON Schema of a spec for the kinds this
// binary wires (spec.schema.json is the same, committed).
type schemaCommand struct {
	stdout io.Writer
}

func (c *schemaCommand) Run(context.Context) error {
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	body, err := jsonschema.Generate(reconcile.Schemas(kinds.All(aws.Config{})))
	if err != nil {
		return err
	}
	_, err = c.stdout.Write(body)
	return err
}

func schemaRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &schemaCommand{}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of spec.yaml, for editors (spec.schema.json holds it)",
		Long: `Print the JSON Schema of a spec, generated from the schemas of the resource
kinds this binary knows. spec.yaml names the committed copy on its first
line (# yaml-language-server: $schema=./spec.schema.json), so editors with
the YAML language server complete field names and flag mistakes.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := textOnly("schema", g.output); err != nil {
				return err
			}
			return exec(ctx, c)
		},
	}
}
