//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
)

const (
	basicLogGroup = "/aws/lambda/itest-agent-dev"
	basicRepo     = "itest-agent-dev"
	basicSecret   = "/itest/dev/openai-api-key"
)

// logRetention is the log group's retention as AWS holds it.
func logRetention(t *testing.T, logs *cloudwatchlogs.Client) int32 {
	t.Helper()
	out, err := logs.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(basicLogGroup)})
	if err != nil || len(out.LogGroups) != 1 {
		t.Fatalf("cannot read the log group: %v, %d groups", err, len(out.LogGroups))
	}
	return aws.ToInt32(out.LogGroups[0].RetentionInDays)
}

func tagMutability(t *testing.T, repos *ecr.Client) ecrtypes.ImageTagMutability {
	t.Helper()
	out, err := repos.DescribeRepositories(context.Background(), &ecr.DescribeRepositoriesInput{RepositoryNames: []string{basicRepo}})
	if err != nil || len(out.Repositories) != 1 {
		t.Fatalf("cannot read the repository: %v", err)
	}
	return out.Repositories[0].ImageTagMutability
}

// TestTargetAppliesOnlyItsScope: two resources drifted; a targeted apply
// restores the one it names and leaves the other as it is in AWS, and
// says what it left out. A target brings what it depends on.
func TestTargetAppliesOnlyItsScope(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	logs, repos := cloudwatchlogs.NewFromConfig(cfg), ecr.NewFromConfig(cfg)
	if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(basicLogGroup), RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	if _, err := repos.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String(basicRepo), ImageTagMutability: ecrtypes.ImageTagMutabilityMutable}); err != nil {
		t.Fatal(err)
	}

	var scoped struct {
		planJSON
		Targets  []string `json:"targets"`
		Excluded []string `json:"excluded"`
	}
	r := reconcile(t, dir, "plan", "--spec", "spec.yaml", "--output", "json", "--target", "repo_url")
	if r.Code != 0 {
		t.Fatalf("targeted plan: %s", r)
	}
	if err := json.Unmarshal([]byte(r.Stdout), &scoped); err != nil {
		t.Fatalf("plan output is not JSON: %v\n%s", err, r)
	}
	var names []string
	for _, c := range scoped.Changes {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"repo", "repo_url"}, names); diff != "" {
		t.Errorf("--target repo_url plans (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"logs", "secret"}, scoped.Excluded); diff != "" {
		t.Errorf("--target repo_url leaves out (-want +got):\n%s", diff)
	}

	out := mustApply(t, dir, "--target", "logs")
	if want := "Targeted plan (--target logs): 3 resource(s) left out, neither read nor changed: repo, repo_url, secret."; !strings.Contains(out.Stdout, want) {
		t.Errorf("the targeted apply does not say what it leaves out (%q):\n%s", want, out)
	}
	if got := logRetention(t, logs); got != 7 {
		t.Errorf("log group retention after the targeted apply = %d, want 7 (restored)", got)
	}
	if got := tagMutability(t, repos); got != ecrtypes.ImageTagMutabilityMutable {
		t.Errorf("repository tag mutability after an apply targeting logs = %s, want MUTABLE (out of scope, left alone)", got)
	}
	// The outputs the full apply recorded are still there.
	if o := reconcile(t, dir, "outputs", "--spec", "spec.yaml", "repo_url"); o.Code != 0 || !strings.Contains(o.Stdout, basicRepo) {
		t.Errorf("outputs after a targeted apply: %s", o)
	}
	p, _ := plan(t, dir)
	if diff := cmp.Diff([]string{"repo:update:out_of_band_change"}, p.changed()); diff != "" {
		t.Errorf("what is left after the targeted apply (-want +got):\n%s", diff)
	}
}

// TestReplaceMakesANewResource: --replace deletes and makes again a
// resource nothing forces to be replaced: what lived in the old log group
// (a stream written by hand) is gone, the new one has the spec's settings.
func TestReplaceMakesANewResource(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2"))
	if _, err := logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(basicLogGroup), LogStreamName: aws.String("written-by-hand")}); err != nil {
		t.Fatal(err)
	}
	streams := func() int {
		out, err := logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(basicLogGroup)})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.LogStreams)
	}
	if n := streams(); n != 1 {
		t.Fatalf("%d log streams before the replace, want 1", n)
	}
	p, r := plan(t, dir, "--replace", "logs")
	if diff := cmp.Diff([]string{"logs:replace:replace_requested"}, p.changed()); diff != "" || r.Code != 2 {
		t.Fatalf("--replace logs plans (-want +got):\n%s\n%s", diff, r)
	}
	mustApply(t, dir, "--replace", "logs")
	if n := streams(); n != 0 {
		t.Errorf("%d log streams after the replace: the old log group is still there", n)
	}
	if got := logRetention(t, logs); got != 7 {
		t.Errorf("retention of the new log group = %d, want 7", got)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("plan after the replace: %v\n%s", p.changed(), r)
	}
	if r := reconcile(t, dir, "plan", "--spec", "spec.yaml", "--replace", "log"); r.Code != 1 || !strings.Contains(r.Stderr, "--replace log: no resource of the spec is named log (did you mean logs?)") {
		t.Errorf("--replace of a name that does not exist: %s", r)
	}
}

// TestDriftCheckWithoutTheSecret: the drift check runs with OPENAI_API_KEY
// unset. The secret's value is reported as not compared, whatever AWS holds;
// everything else is compared, and the exit code is exact for it. Apply
// still needs the key.
func TestDriftCheckWithoutTheSecret(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	var env []string
	for _, kv := range cliEnv() {
		if !strings.HasPrefix(kv, "OPENAI_API_KEY=") {
			env = append(env, kv)
		}
	}
	drift := func(output string) result {
		return reconcileIn(t, dir, env, "--spec", "spec.yaml", "--dry-run", "--detailed-exitcode", "--output", output)
	}
	const note = "value: not compared (OPENAI_API_KEY unset)"

	r := drift("text")
	if r.Code != 0 || !strings.Contains(r.Stdout, note) {
		t.Fatalf("drift check without the key, nothing changed: want exit 0 and %q\n%s", note, r)
	}
	if md := drift("markdown"); md.Code != 0 || !strings.Contains(md.Stdout, note) {
		t.Errorf("markdown drift check lacks %q:\n%s", note, md)
	}

	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	logs := cloudwatchlogs.NewFromConfig(cfg)
	if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(basicLogGroup), RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	// The secret rotated by hand too: without the key it cannot be told.
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(basicSecret), Value: aws.String("sk-rotated-by-hand"), Type: "SecureString", Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	r = drift("json")
	var p struct {
		planJSON
		Changes []struct {
			Name        string        `json:"name"`
			Action      string        `json:"action"`
			Class       string        `json:"class"`
			NotCompared []notCompared `json:"not_compared"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatalf("plan output is not JSON: %v\n%s", err, r)
	}
	got := map[string]string{}
	for _, c := range p.Changes {
		if c.Action != "no-op" {
			got[c.Name] = c.Action + ":" + c.Class
		}
		if c.Name == "secret" {
			want := []notCompared{{Path: "value", Reason: "OPENAI_API_KEY unset"}}
			if diff := cmp.Diff(want, c.NotCompared); diff != "" {
				t.Errorf("secret's not_compared mismatch (-want +got):\n%s", diff)
			}
		}
	}
	if diff := cmp.Diff(map[string]string{"logs": "update:out_of_band_change"}, got); diff != "" || r.Code != 2 || p.Summary.Drift != 1 {
		t.Errorf("drift without the key (-want +got):\n%s\ndrift %d\n%s", diff, p.Summary.Drift, r)
	}
	if strings.Contains(r.Stdout, "sk-rotated") {
		t.Error("the plan printed the secret's live value")
	}

	// Apply needs the key: refused before any change.
	a := reconcileIn(t, dir, env, "--spec", "spec.yaml")
	if a.Code != 1 || !strings.Contains(a.Stderr, "OPENAI_API_KEY, which is not set") {
		t.Errorf("apply without the key: want a refusal naming OPENAI_API_KEY\n%s", a)
	}
	if got := logRetention(t, logs); got != 30 {
		t.Errorf("retention after the refused apply = %d, want 30 (untouched)", got)
	}
}

type notCompared struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}
