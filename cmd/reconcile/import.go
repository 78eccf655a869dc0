package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/trip-assistant/stack/adopt"
	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/render"
	"github.com/trip-assistant/stack/resources/kinds"
	"github.com/trip-assistant/stack/tfstate"
	"github.com/trip-assistant/stack/tfstate/tfimport"
)

// importCommand parses `reconcile import`; adopt does the work.
type importCommand struct {
	flags          stackFlags
	terraformState string
	writeSpec      string
	name, id       string
	output         string
	noColor        bool
	stats          bool
	stdout, stderr io.Writer
}

func importRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &importCommand{}
	cmd := &cobra.Command{
		Use:   "import (--terraform-state FILE [--write-spec PATH] | NAME ID)",
		Short: "Record live resources in the state without changing AWS: from a Terraform state, or one by id",
		Long: `Record live resources in the stack's state, under the lock, without any AWS
write: nothing is created, changed or deleted. Then print the plan: what
differs between the live resources and the spec is an in-place update
classed adopted.

  --terraform-state FILE  every managed instance of a Terraform (v4) state
                          that matches a spec resource of the same identity;
                          those that match nothing are listed with what to do
  --write-spec PATH       with no spec yet: write one from the Terraform
                          state first, then import against it
  NAME ID                 the live resource ID as the spec's resource NAME

A secret in the Terraform state is read and forgotten: never printed,
logged or recorded.`,
		Args: func(_ *cobra.Command, args []string) error {
			switch {
			case c.terraformState == "" && c.writeSpec != "":
				return errors.New("--write-spec writes the spec from a Terraform state: give --terraform-state FILE")
			case c.terraformState != "" && len(args) > 0:
				return fmt.Errorf("import takes either --terraform-state FILE or NAME ID, not both (got %d arguments)", len(args))
			case c.terraformState == "" && len(args) != 2:
				return errors.New("usage: reconcile import --terraform-state FILE, or reconcile import NAME ID")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			c.flags, c.output, c.noColor = g.stack, g.output, g.noColor
			if len(args) == 2 {
				c.name, c.id = args[0], args[1]
			}
			switch c.output {
			case "text", "json", "markdown":
			default:
				return fmt.Errorf("--output must be text, json or markdown, got %q", c.output)
			}
			return exec(ctx, c)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&c.terraformState, "terraform-state", "", "a Terraform state file (format 4, as `terraform state pull` prints it)")
	fs.StringVar(&c.writeSpec, "write-spec", "", "write a spec from the Terraform state to PATH (which must not exist), then import against it")
	fs.BoolVar(&c.stats, "stats", false, "print API calls and phase timings at the end")
	_ = cmd.MarkFlagFilename("terraform-state", "tfstate", "json")
	return cmd
}

func (c *importCommand) Run(ctx context.Context) error {
	if c.stdout == nil {
		c.stdout, c.stderr = os.Stdout, os.Stderr
	}
	counts := awsclient.NewStats()
	c.flags.stats = counts
	if c.stats {
		defer func() { counts.Report().WriteText(c.stderr) }()
	}
	var tf *tfstate.State
	if c.terraformState != "" {
		var err error
		if tf, err = tfstate.ReadFile(c.terraformState); err != nil {
			return err
		}
	}
	if c.writeSpec != "" {
		if err := c.write(tf); err != nil {
			return err
		}
		c.flags.spec = c.writeSpec
	}
	// Recording needs the spec's structure, not its secrets.
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	im := &adopt.Importer{Kinds: st.kinds, Store: st.store, Lock: reconcile.LockInfo{ID: newRunID(), Who: whoAmI()}}
	var rep *adopt.Report
	if tf != nil {
		rep, err = im.Terraform(ctx, st.spec, tf)
	} else {
		rep, err = im.One(ctx, st.spec, c.name, c.id)
	}
	if err != nil {
		err = withLockHint(err, c.flags.spec)
	}
	if err != nil {
		return err
	}
	out := c.stdout
	if c.output != "text" {
		out = c.stderr // the plan's document alone on stdout
	}
	rep.Write(out)
	fmt.Fprintln(out)

	state, err := st.store.Load(ctx)
	if err != nil {
		return err
	}
	eng := &reconcile.Engine{Kinds: st.kinds, Store: st.store, Parallelism: c.flags.parallelism}
	plan, err := eng.Plan(ctx, st.spec, state, reconcile.PlanOptions{})
	if err != nil {
		return err
	}
	switch c.output {
	case "json":
		return render.JSON(c.stdout, render.NewDocument(plan, nil, nil))
	case "markdown":
		render.Markdown(c.stdout, plan)
	default:
		style := render.Style{}
		if !c.noColor {
			style = render.StyleFor(os.Stdout)
		}
		render.Text(c.stdout, plan, style)
	}
	return nil
}

// write writes the spec from the Terraform state, refusing to replace a
// file: the spec is meant to be kept, and one already there is the user's.
func (c *importCommand) write(tf *tfstate.State) error {
	if _, err := os.Stat(c.writeSpec); err == nil {
		return fmt.Errorf("%s exists: --write-spec writes a new spec and never replaces one (import against it with --spec %s)", c.writeSpec, c.writeSpec)
	}
	ks := kinds.All(aws.Config{}) // schemas and importers only: no AWS call
	set, err := tfimport.Convert(tf, ks)
	if err != nil {
		return fmt.Errorf("cannot read the Terraform state's resources: %w", err)
	}
	w, err := tfimport.WriteSpec(set, ks, tfimport.WriteOptions{Source: c.terraformState})
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.writeSpec, w.YAML, 0o644); err != nil {
		return fmt.Errorf("cannot write the spec: %w", err)
	}
	fmt.Fprintf(c.stderr, "Wrote %s: %d resources from %s.\n", c.writeSpec, len(w.Names), c.terraformState)
	for _, n := range w.Notes {
		fmt.Fprintf(c.stderr, "  note: %s\n", n)
	}
	return nil
}
