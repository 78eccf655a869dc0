package main

import (
	"context"
	"encoding/json"
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
	name   string // one output to print alone; empty: all
	stdout io.Writer
}

func (c *outputsCommand) validate() error {
	if c.output != "text" && c.output != "json" {
		return fmt.Errorf("--output must be text or json for outputs, got %q", c.output)
	}
	return nil
}

func (c *outputsCommand) Run(ctx context.Context) error {
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
	if name := c.name; name != "" {
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
