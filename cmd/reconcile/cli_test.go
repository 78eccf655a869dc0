package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// parse runs the command line as main does, up to the command it would
// run, and returns that command.
func parse(t *testing.T, args ...string) (runner, string, error) {
	t.Helper()
	var got runner
	root := newRoot(context.Background(), func(_ context.Context, r runner) error { got = r; return nil })
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(longDashes(root, args))
	err := root.Execute()
	return got, out.String(), err
}

func TestCommandLine(t *testing.T) {
	spec := func(f stackFlags) stackFlags {
		if f.spec == "" {
			f.spec = "spec.yaml"
		}
		if f.lockLease == 0 {
			f.lockLease = ssmstate.DefaultLease
		}
		return f
	}
	plan := func(c planCommand) *planCommand {
		c.flags = spec(c.flags)
		if c.flags.parallelism == 0 {
			c.flags.parallelism = 10
		}
		if c.output == "" {
			c.output = "text"
		}
		return &c
	}
	deploy := func(c deployCommand) *deployCommand {
		c.flags = spec(c.flags)
		c.smokeAttempts, c.smokeInterval = 3, 10*time.Second
		return &c
	}
	cases := map[string]struct {
		args []string
		want runner
	}{
		"apply by default":                   {args: nil, want: plan(planCommand{})},
		"--dry-run plans":                    {args: []string{"--spec", "s.yaml", "--dry-run"}, want: plan(planCommand{flags: stackFlags{spec: "s.yaml"}, dryRun: true})},
		"--destroy destroys":                 {args: []string{"--destroy"}, want: plan(planCommand{destroy: true})},
		"plan":                               {args: []string{"plan"}, want: plan(planCommand{dryRun: true})},
		"plan --destroy":                     {args: []string{"plan", "--destroy"}, want: plan(planCommand{dryRun: true, destroy: true})},
		"apply":                              {args: []string{"apply", "--parallelism", "3"}, want: plan(planCommand{flags: stackFlags{parallelism: 3}})},
		"destroy":                            {args: []string{"destroy"}, want: plan(planCommand{destroy: true})},
		"destroy --dry-run":                  {args: []string{"destroy", "--dry-run"}, want: plan(planCommand{destroy: true, dryRun: true})},
		"globals before plan":                {args: []string{"--env", "prod", "--output", "json", "--no-color", "plan", "--detailed-exitcode"}, want: plan(planCommand{flags: stackFlags{env: "prod"}, output: "json", noColor: true, dryRun: true, detailedExitcode: true})},
		"globals after plan":                 {args: []string{"plan", "--env", "prod", "--output=markdown", "--region", "eu-west-1"}, want: plan(planCommand{flags: stackFlags{env: "prod", region: "eu-west-1"}, output: "markdown", dryRun: true})},
		"globals around apply":               {args: []string{"--profile", "p", "apply", "--endpoint", "http://127.0.0.1:5000", "--stats"}, want: plan(planCommand{flags: stackFlags{profile: "p", endpoint: "http://127.0.0.1:5000"}, stats: true})},
		"one dash, as Go and Terraform":      {args: []string{"-spec=s.yaml", "-dry-run", "-output", "json"}, want: plan(planCommand{flags: stackFlags{spec: "s.yaml"}, dryRun: true, output: "json"})},
		"endpoint before outputs":            {args: []string{"--endpoint", "http://127.0.0.1:5000", "outputs"}, want: &outputsCommand{flags: spec(stackFlags{endpoint: "http://127.0.0.1:5000"}), output: "text"}},
		"outputs NAME, output after":         {args: []string{"outputs", "api_url", "--output", "json"}, want: &outputsCommand{flags: spec(stackFlags{}), output: "json", name: "api_url"}},
		"deploy, globals before":             {args: []string{"--spec", "s.yaml", "--env", "prod", "deploy", "--function", "api", "--image", "repo:v2"}, want: deploy(deployCommand{flags: stackFlags{spec: "s.yaml", env: "prod"}, function: "api", image: "repo:v2"})},
		"deploy, globals after":              {args: []string{"deploy", "--function", "api", "--image", "repo:v2", "--dry-run", "--spec", "s.yaml"}, want: deploy(deployCommand{flags: stackFlags{spec: "s.yaml"}, function: "api", image: "repo:v2", dryRun: true})},
		"deploy's own flag before its name":  {args: []string{"--dry-run", "deploy", "--function", "api", "--image", "repo:v2"}, want: deploy(deployCommand{function: "api", image: "repo:v2", dryRun: true})},
		"plan --out":                         {args: []string{"plan", "--out", "plan.bin"}, want: plan(planCommand{dryRun: true, out: "plan.bin"})},
		"apply a saved plan":                 {args: []string{"apply", "plan.bin"}, want: plan(planCommand{saved: &savedPlan{path: "plan.bin"}})},
		"apply a saved plan, flags set":      {args: []string{"--env", "prod", "apply", "plan.bin", "--spec", "s.yaml", "--stats"}, want: plan(planCommand{flags: stackFlags{spec: "s.yaml", env: "prod"}, stats: true, saved: &savedPlan{path: "plan.bin", specSet: true, envSet: true}})},
		"--target before plan, repeated":     {args: []string{"--target", "api", "plan", "--target=agent"}, want: plan(planCommand{dryRun: true, targets: []string{"api", "agent"}})},
		"--target and --replace after apply": {args: []string{"apply", "--target", "api", "--replace", "api_repo", "--replace", "api"}, want: plan(planCommand{targets: []string{"api"}, replace: []string{"api_repo", "api"}})},
		"-replace, one dash, on the root":    {args: []string{"-replace=api", "-dry-run"}, want: plan(planCommand{dryRun: true, replace: []string{"api"}})},
		"destroy --target":                   {args: []string{"destroy", "--target", "api"}, want: plan(planCommand{destroy: true, targets: []string{"api"}})},
		"unlock, globals both sides":         {args: []string{"--env", "prod", "unlock", "abc123", "--spec", "s.yaml"}, want: &unlockCommand{flags: spec(stackFlags{spec: "s.yaml", env: "prod"}), id: "abc123"}},
		"state list, globals before":         {args: []string{"--spec", "s.yaml", "--env", "prod", "state", "list"}, want: &stateCommand{flags: spec(stackFlags{spec: "s.yaml", env: "prod"}), sub: "list", args: []string{}}},
		"state rm, globals after":            {args: []string{"state", "rm", "a", "b", "--spec", "s.yaml"}, want: &stateCommand{flags: spec(stackFlags{spec: "s.yaml"}), sub: "rm", args: []string{"a", "b"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, out, err := parse(t, tc.args...)
			if err != nil {
				t.Fatalf("reconcile %s: %v\n%s", strings.Join(tc.args, " "), err, out)
			}
			opts := cmp.Options{
				cmp.AllowUnexported(planCommand{}, savedPlan{}, deployCommand{}, outputsCommand{}, unlockCommand{}, stateCommand{}, stackFlags{}),
				cmpopts.IgnoreFields(planCommand{}, "counts"),
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("reconcile %s (-want +got):\n%s", strings.Join(tc.args, " "), diff)
			}
		})
	}
}

func TestCommandLineRefuses(t *testing.T) {
	cases := map[string]struct {
		args    []string
		wantErr string
	}{
		"unknown flag":               {args: []string{"--dryrun"}, wantErr: "unknown flag: --dryrun (see `reconcile --help`)"},
		"unknown command":            {args: []string{"aply"}, wantErr: `unknown command "aply" for "reconcile"`},
		"argument to plan":           {args: []string{"plan", "extra"}, wantErr: `unknown command "extra" for "reconcile plan"`},
		"local flag of another":      {args: []string{"deploy", "--destroy"}, wantErr: "unknown flag: --destroy"},
		"plan flag before deploy":    {args: []string{"--destroy", "deploy", "--function", "api", "--image", "x"}, wantErr: "unknown flag: --destroy"},
		"apply has no --dry-run":     {args: []string{"apply", "--dry-run"}, wantErr: "unknown flag: --dry-run"},
		"apply two plan files":       {args: []string{"apply", "a.bin", "b.bin"}, wantErr: "accepts at most 1 arg(s), received 2"},
		"--out is plan's":            {args: []string{"apply", "--out", "plan.bin"}, wantErr: "unknown flag: --out"},
		"bad output":                 {args: []string{"plan", "--output", "yaml"}, wantErr: `--output must be text, json or markdown, got "yaml"`},
		"markdown outputs":           {args: []string{"--output", "markdown", "outputs"}, wantErr: `--output must be text or json for outputs, got "markdown"`},
		"deploy prints text":         {args: []string{"--output", "json", "deploy", "--function", "api", "--image", "x"}, wantErr: "reconcile deploy prints text only"},
		"deploy needs image":         {args: []string{"deploy", "--function", "api"}, wantErr: "--image is required"},
		"deploy needs function":      {args: []string{"deploy", "--image", "x"}, wantErr: "--function is required"},
		"no smoke attempts":          {args: []string{"deploy", "--function", "api", "--image", "x", "--smoke-attempts", "0"}, wantErr: "--smoke-attempts must be at least 1, got 0"},
		"destroy has no --replace":   {args: []string{"destroy", "--replace", "api"}, wantErr: "unknown flag: --replace"},
		"--target with a saved plan": {args: []string{"apply", "plan.bin", "--target", "api"}, wantErr: "a saved plan is applied exactly as it was made"},
		"--replace with --destroy":   {args: []string{"plan", "--destroy", "--replace", "api"}, wantErr: "--replace cannot be used with --destroy"},
		"unlock without id":          {args: []string{"unlock"}, wantErr: "usage: reconcile unlock --spec FILE LOCK_ID"},
		"two output names":           {args: []string{"outputs", "a", "b"}, wantErr: "outputs takes at most one NAME, got 2: a b"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, err := parse(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("reconcile %s: error %v, want one containing %q", strings.Join(tc.args, " "), err, tc.wantErr)
			}
			if got != nil {
				t.Errorf("reconcile %s ran %T", strings.Join(tc.args, " "), got)
			}
		})
	}
}

func TestHelpAndCompletion(t *testing.T) {
	cases := map[string]struct {
		args []string
		want []string
	}{
		"help deploy":     {args: []string{"help", "deploy"}, want: []string{"reconcile deploy --function NAME --image URI", "--smoke-url", "Global Flags:", "--endpoint"}},
		"deploy --help":   {args: []string{"deploy", "--help"}, want: []string{"--smoke-attempts"}},
		"help":            {args: []string{"help"}, want: []string{"plan ", "apply ", "destroy ", "deploy ", "outputs ", "unlock ", "completion "}},
		"completion bash": {args: []string{"completion", "bash"}, want: []string{"bash completion V2 for reconcile"}},
		"completion zsh":  {args: []string{"completion", "zsh"}, want: []string{"#compdef reconcile"}},
		"version":         {args: []string{"version"}, want: []string{"reconcile dev\n"}},
		"--version":       {args: []string{"--version"}, want: []string{"reconcile dev\n"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, out, err := parse(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != nil {
				t.Errorf("reconcile %s ran %T", strings.Join(tc.args, " "), got)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("reconcile %s prints no %q:\n%s", strings.Join(tc.args, " "), w, out)
				}
			}
		})
	}
}

// TestErrorsEndWithANewline: whatever the error, what a person reads on
// stderr ends its last line.
func TestErrorsEndWithANewline(t *testing.T) {
	_, _, flagErr := parse(t, "--dryrun")
	_, _, cmdErr := parse(t, "aply")
	cases := map[string]struct {
		err      error
		want     string
		wantCode int
	}{
		"plain":               {err: errors.New("cannot read spec"), want: "Error: cannot read spec\n", wantCode: 1},
		"ends with a newline": {err: errors.New("two lines\nsecond\n"), want: "Error: two lines\nsecond\n", wantCode: 1},
		"spec errors":         {err: spec.Errors{{File: "spec.yaml", Pos: spec.Pos{Line: 3, Col: 4}, Path: "resources.x", Msg: "bad"}}, wantCode: 1},
		"flag error":          {err: flagErr, wantCode: 1},
		"unknown command":     {err: cmdErr, wantCode: 1},
		"exit code, no text":  {err: exitCode(2), want: "", wantCode: 2},
		"no error":            {err: nil, want: "", wantCode: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := report(&stderr, tc.err); code != tc.wantCode {
				t.Errorf("exit code %d, want %d", code, tc.wantCode)
			}
			got := stderr.String()
			if tc.want != "" && got != tc.want {
				t.Errorf("stderr %q, want %q", got, tc.want)
			}
			if tc.err != nil && tc.wantCode == 1 && !strings.HasSuffix(got, "\n") {
				t.Errorf("stderr %q does not end with a newline", got)
			}
		})
	}
}
