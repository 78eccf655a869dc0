package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// outputsCommand prints the outputs the last apply recorded, reading only
// the stack's own SSM parameters: CD needs no read access to the resources.
type outputsCommand struct {
	flags  stackFlags
	output string
	stdout io.Writer
}

func (c *outputsCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reconcile outputs", flag.ContinueOnError)
	c.flags.register(fs)
	fs.StringVar(&c.output, "output", "text", "text or json")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: reconcile outputs --spec FILE [--output json] [NAME]\n\nWith NAME, prints that output's value alone.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(1)
	}
	if c.stdout == nil {
		c.stdout = os.Stdout
	}
	c.flags.allowUnsetInputs = true
	st, err := c.flags.load(ctx)
	if err != nil {
		return err
	}
	values, err := st.outputs.LoadOutputs(ctx)
	if err != nil {
		return err
	}
	if values == nil {
		return fmt.Errorf("no outputs recorded for %s: apply the spec first", st.name())
	}
	if name := fs.Arg(0); name != "" {
		v, ok := values[name]
		if !ok {
			return fmt.Errorf("no output %q recorded for %s", name, st.name())
		}
		fmt.Fprintln(c.stdout, v)
		return nil
	}
	if c.output == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(values)
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(c.stdout, "%s = %s\n", k, values[k])
	}
	return nil
}
