package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraphCommandLine(t *testing.T) {
	cases := map[string]struct {
		args    []string
		want    *graphCommand
		wantErr string
	}{
		"mermaid by default":      {args: []string{"graph"}, want: &graphCommand{flags: stackFlags{spec: "spec.yaml"}, format: "mermaid"}},
		"dot, spec before":        {args: []string{"--spec", "s.yaml", "graph", "--format", "dot"}, want: &graphCommand{flags: stackFlags{spec: "s.yaml"}, format: "dot"}},
		"env after":               {args: []string{"graph", "--env", "prod"}, want: &graphCommand{flags: stackFlags{spec: "spec.yaml", env: "prod"}, format: "mermaid"}},
		"one dash":                {args: []string{"graph", "-format=dot"}, want: &graphCommand{flags: stackFlags{spec: "spec.yaml"}, format: "dot"}},
		"unknown format":          {args: []string{"graph", "--format", "svg"}, wantErr: `--format must be mermaid or dot, got "svg"`},
		"--output is not for it":  {args: []string{"--output", "json", "graph"}, wantErr: "reconcile graph prints text only"},
		"takes no argument":       {args: []string{"graph", "extra"}, wantErr: `unknown command "extra" for "reconcile graph"`},
		"a plan flag is not here": {args: []string{"graph", "--destroy"}, wantErr: "unknown flag: --destroy"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, err := parse(t, tc.args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			gc, ok := got.(*graphCommand)
			if !ok {
				t.Fatalf("ran %T, want *graphCommand", got)
			}
			gc.flags.lockLease = 0 // a default of every command, not the graph's
			if diff := cmp.Diff(tc.want, gc, cmp.AllowUnexported(graphCommand{}, stackFlags{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestGraphRun draws a spec of real kinds without AWS and without its
// sensitive input set.
func TestGraphRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "spec.yaml")
	const sp = `project: demo
region: us-east-2
inputs:
  key: {env: GRAPH_TEST_UNSET_KEY, sensitive: true}
resources:
  key:
    type: ssm.parameter
    properties: {name: /demo/key, type: SecureString, value: "${input.key}"}
  logs:
    type: logs.log_group
    properties: {name: /aws/lambda/demo}
  role:
    type: iam.role
    depends_on: [logs, key]
    properties:
      name: demo-role
      assume_role_policy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]
`
	if err := os.WriteFile(file, []byte(sp), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		format, want string
	}{
		"mermaid": {"mermaid", "flowchart LR\n  key[\"ssm.parameter key\"]\n  logs[\"logs.log_group logs\"]\n  role[\"iam.role role\"]\n  role --> key\n  role --> logs\n"},
		"dot": {"dot", `digraph reconcile {
  rankdir=LR;
  node [shape=box];
  "key" [label="ssm.parameter key"];
  "logs" [label="logs.log_group logs"];
  "role" [label="iam.role role"];
  "role" -> "key";
  "role" -> "logs";
}
`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			c := &graphCommand{flags: stackFlags{spec: file}, format: tc.format, stdout: &out}
			if err := c.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, out.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a bad spec is refused with its position", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(bad, []byte(strings.Replace(sp, "depends_on: [logs, key]", "depends_on: [logz]", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		err := (&graphCommand{flags: stackFlags{spec: bad}, format: "mermaid", stdout: &bytes.Buffer{}}).Run(t.Context())
		if err == nil || !strings.Contains(err.Error(), "bad.yaml:12:") {
			t.Fatalf("error %v, want one naming bad.yaml:12", err)
		}
	})
}
