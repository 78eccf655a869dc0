package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/render"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/kinds"
)

// graphCommand draws the spec's dependency graph. It reads only the spec:
// no AWS call, no input needs to be set.
type graphCommand struct {
	flags  stackFlags
	format string
	stdout io.Writer
}

func (c *graphCommand) validate() error {
	if c.format != "mermaid" && c.format != "dot" {
		return fmt.Errorf("--format must be mermaid or dot, got %q", c.format)
	}
	return nil
}

func (c *graphCommand) Run(context.Context) error {
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	sp, err := spec.LoadFile(c.flags.spec, spec.LoadOptions{
		Environment: c.flags.env, Types: reconcile.Schemas(kinds.All(aws.Config{})), AllowUnsetInputs: true,
	})
	if err != nil {
		return err
	}
	g := render.SpecGraph(sp)
	if c.format == "dot" {
		render.DOT(c.stdout, g)
	} else {
		render.Mermaid(c.stdout, g)
	}
	return nil
}

func graphRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &graphCommand{}
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Print the spec's dependency graph as Mermaid (default) or DOT; reads only the spec",
		Long: `Print the spec's dependency graph: every resource and data source, an
arrow from each to what it depends on (its references and depends_on).
Mermaid renders in GitHub Markdown; DOT renders with Graphviz
(reconcile graph --format dot | dot -Tsvg > graph.svg).`,
		Args: cobra.NoArgs,
	}
	cmd.Flags().StringVar(&c.format, "format", "mermaid", "mermaid or dot")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"mermaid", "dot"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RunE = func(*cobra.Command, []string) error {
		c.flags = g.stack
		if err := textOnly("graph", g.output); err != nil {
			return err
		}
		if err := c.validate(); err != nil {
			return err
		}
		return exec(ctx, c)
	}
	return cmd
}
