package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The command line is spf13/cobra's: subcommands whose flags may come
// before or after their name (`reconcile --endpoint URL outputs`),
// `reconcile help CMD` and shell completion come with it, which the
// standard flag package has none of.

// globals are the flags every command takes, before or after its name.
type globals struct {
	stack   stackFlags
	output  string
	noColor bool
}

// runner is a command ready to run: its flags are parsed and checked.
type runner interface {
	Run(ctx context.Context) error
}

// newRoot builds the command tree. Each command parses and checks its
// flags, then hands itself to exec: main runs it, tests look at it.
func newRoot(ctx context.Context, exec func(context.Context, runner) error) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "reconcile",
		Short: "Plan, apply and destroy the AWS stack a spec declares; explain drift; deploy images",
		Long: `reconcile owns the AWS serverless stack declared in a spec (spec.yaml).

Without a command, reconcile applies the spec; --dry-run only plans and
--destroy removes everything the stack owns (the same as plan, apply and
destroy).`,
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("reconcile {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	g.stack.register(pf)
	pf.StringVar(&g.output, "output", "text", "output format: text, json or markdown (plan, apply, destroy); text or json (outputs)")
	pf.BoolVar(&g.noColor, "no-color", false, "never colour the output (nor with NO_COLOR set or TERM=dumb)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.MarkPersistentFlagFilename("spec", "yaml", "yml")

	// The root plans and applies as it always did; its flags stay aliases
	// of the plan, apply and destroy commands.
	legacy := planRunner(ctx, g, exec, root, modeByFlags)
	root.RunE = legacy.RunE
	root.AddCommand(
		planRunner(ctx, g, exec, &cobra.Command{Use: "plan", Short: "Show what an apply would change, and change nothing (takes no lock)"}, modePlan),
		planRunner(ctx, g, exec, &cobra.Command{Use: "apply", Short: "Make AWS match the spec"}, modeApply),
		planRunner(ctx, g, exec, &cobra.Command{Use: "destroy", Short: "Remove everything the stack owns"}, modeDestroy),
		deployRunner(ctx, g, exec),
		outputsRunner(ctx, g, exec),
		importRunner(ctx, g, exec),
		absorbRunner(ctx, g, exec),
		unlockRunner(ctx, g, exec),
		graphRunner(ctx, g, exec),
		schemaRunner(ctx, g, exec),
		stateRunner(ctx, g, exec),
		&cobra.Command{
			Use:   "version",
			Short: "Print reconcile's version",
			Args:  cobra.NoArgs,
			Run:   func(c *cobra.Command, _ []string) { fmt.Fprintln(c.OutOrStdout(), "reconcile", Version) },
		},
	)
	return root
}

// mode is what a plan command does after planning.
type mode int

const (
	modeByFlags mode = iota // the root: --dry-run and --destroy decide
	modePlan
	modeApply
	modeDestroy
)

func planRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error, cmd *cobra.Command, m mode) *cobra.Command {
	c := &planCommand{}
	parallelism := 0
	fs := cmd.Flags()
	if m == modeByFlags || m == modeDestroy {
		fs.BoolVar(&c.dryRun, "dry-run", false, "print the plan and change nothing (takes no lock)")
	}
	if m == modeByFlags || m == modePlan {
		fs.BoolVar(&c.destroy, "destroy", false, "remove everything the stack owns (with plan: show what a destroy would remove)")
	}
	if m == modePlan {
		fs.StringVar(&c.out, "out", "", "save the plan to `FILE`, for `reconcile apply FILE` to apply exactly it")
	}
	if m == modeApply {
		cmd.Use = "apply [PLAN_FILE]"
		cmd.Long = savedPlanHelp
		cmd.Args = cobra.MaximumNArgs(1)
	}
	fs.BoolVar(&c.detailedExitcode, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when none, 1 on error")
	fs.StringArrayVar(&c.targets, "target", nil, "plan only this resource and what it depends on (with a destroy: what depends on it); repeatable. The plan names what it leaves out")
	if m != modeDestroy {
		fs.StringArrayVar(&c.replace, "replace", nil, "replace this resource even if nothing forces it; repeatable")
	}
	fs.BoolVar(&c.skipUnmanaged, "skip-unmanaged", false, "do not look for unmanaged resources with the stack's prefix (in a busy account that report lists the account for some kinds); the plan says it skipped it")
	fs.BoolVar(&c.stats, "stats", false, "print API calls and phase timings at the end")
	fs.IntVar(&parallelism, "parallelism", 10, "AWS operations run at once")
	if cmd.Args == nil {
		cmd.Args = cobra.NoArgs
	}
	cmd.RunE = func(cc *cobra.Command, args []string) error {
		c.flags, c.output, c.noColor = g.stack, g.output, g.noColor
		c.flags.parallelism = parallelism
		if len(args) == 1 {
			c.saved = &savedPlan{path: args[0], specSet: cc.Flags().Changed("spec"), envSet: cc.Flags().Changed("env"), regionSet: cc.Flags().Changed("region")}
		}
		switch m {
		case modePlan:
			c.dryRun = true
		case modeDestroy:
			c.destroy = true
		}
		if err := c.validate(); err != nil {
			return err
		}
		return exec(ctx, c)
	}
	return cmd
}

func deployRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &deployCommand{}
	cmd := &cobra.Command{
		Use:   "deploy --function NAME --image URI",
		Short: "Move a function to a new image: publish, move the alias, smoke-test, roll back on failure",
		Args:  cobra.NoArgs,
	}
	fs := cmd.Flags()
	fs.StringVar(&c.function, "function", "", "the lambda.function resource of the spec to deploy (its logical name, e.g. api)")
	fs.StringVar(&c.image, "image", "", "the container image URI to deploy")
	fs.StringVar(&c.smokeURL, "smoke-url", "", "after moving the alias, GET this URL and require a 2xx answer (default: invoke the alias with {} and require no function error)")
	fs.IntVar(&c.smokeAttempts, "smoke-attempts", 3, "smoke test attempts before the deploy counts as failed")
	fs.DurationVar(&c.smokeInterval, "smoke-interval", 10*time.Second, "pause between two smoke test attempts")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print what the deploy would do and change nothing (takes no lock)")
	cmd.RunE = func(*cobra.Command, []string) error {
		c.flags = g.stack
		if err := textOnly("deploy", g.output); err != nil {
			return err
		}
		if err := c.validate(); err != nil {
			return err
		}
		return exec(ctx, c)
	}
	return cmd
}

func outputsRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &outputsCommand{}
	return &cobra.Command{
		Use:   "outputs [NAME]",
		Short: "Print the outputs the last apply recorded (with NAME, that value alone)",
		Long: `Print the outputs the last apply recorded next to the state. It reads only
the stack's own SSM parameters: CD needs no read access to the resources.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("outputs takes at most one NAME, got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			c.flags, c.output = g.stack, g.output
			if len(args) == 1 {
				c.name = args[0]
			}
			if err := c.validate(); err != nil {
				return err
			}
			return exec(ctx, c)
		},
	}
}

func unlockRunner(ctx context.Context, g *globals, exec func(context.Context, runner) error) *cobra.Command {
	c := &unlockCommand{}
	return &cobra.Command{
		Use:   "unlock LOCK_ID",
		Short: "Clear a lock left by a run that is gone",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("usage: reconcile unlock --spec FILE LOCK_ID (the id is in the error that named the lock's holder)")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			c.flags, c.id = g.stack, args[0]
			if err := textOnly("unlock", g.output); err != nil {
				return err
			}
			return exec(ctx, c)
		},
	}
}

// textOnly refuses --output for a command that prints text only.
func textOnly(command, output string) error {
	if output != "text" {
		return fmt.Errorf("reconcile %s prints text only; --output %s is for plan, apply, destroy and outputs", command, output)
	}
	return nil
}

// longDashes lets a long flag be written with one dash as Go's flag package
// (and Terraform) take it: "-dry-run" becomes "--dry-run" when dry-run is a
// flag of some command. The CLI defines no one-letter shorthands but -h, so
// nothing else reads a single dash.
func longDashes(root *cobra.Command, args []string) []string {
	known := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(f *pflag.Flag) { known[f.Name] = true }
		c.Flags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if known[name] {
				out[i] = "-" + a
			}
		}
	}
	return out
}
