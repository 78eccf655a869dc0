//go:build integration

package integration

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"
)

func basicSpec(t *testing.T) string { return readFile(t, "testdata/basic.yaml") }

func TestApplyFromEmptyThenNoChanges(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	p, r := plan(t, dir)
	if r.Code != 2 || p.Summary.Add != 4 {
		t.Fatalf("plan from empty: want 4 to add and exit 2, got %+v\n%s", p.Summary, r)
	}
	out := mustApply(t, dir)
	if !strings.Contains(out.Stdout, "Apply complete: 4 created") {
		t.Errorf("apply summary missing:\n%s", out)
	}
	if strings.Contains(out.Stdout+out.Stderr, "sk-test-secret") {
		t.Errorf("the secret value was printed:\n%s", out)
	}
	p, r = plan(t, dir)
	if r.Code != 0 || p.HasChanges {
		t.Fatalf("re-plan after apply: want no changes and exit 0, got %v\n%s", p.changed(), r)
	}
	if got := p.Outputs["repo_url"]; !strings.HasSuffix(got.(string), "/itest-agent-dev") {
		t.Errorf("output repo_url = %v", got)
	}
	// The state is in SSM: one record, metadata in its tags, no secret.
	cfg := awsConfig(t, "us-east-2")
	ctx := context.Background()
	head, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/reconcile/itest/dev/state")})
	if err != nil {
		t.Fatalf("state record: %v", err)
	}
	if strings.Contains(aws.ToString(head.Parameter.Value), "sk-test") {
		t.Error("the state holds the secret")
	}
	tags, err := ssm.NewFromConfig(cfg).ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{ResourceType: "Parameter", ResourceId: aws.String("/reconcile/itest/dev/state")})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, tag := range tags.TagList {
		keys[aws.ToString(tag.Key)] = true
	}
	for _, k := range []string{"serial", "spec-digest", "tool-version", "time"} {
		if !keys[k] && !keys["reconcile:"+k] {
			t.Errorf("state metadata tag %q missing; tags: %v", k, keys)
		}
	}
}

func TestSpecChangeUpdatesInPlace(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	writeSpec(t, dir, strings.NewReplacer("retention_days: 7", "retention_days: 14", "team: travel", "team: trips").Replace(basicSpec(t)))
	p, r := plan(t, dir)
	want := []string{"logs:update:spec_changed"}
	if diff := cmp.Diff(want, p.changed()); diff != "" || r.Code != 2 {
		t.Fatalf("plan after a spec change (-want +got):\n%s\n%s", diff, r)
	}
	mustApply(t, dir)
	out, err := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2")).DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/itest-agent-dev")})
	if err != nil || len(out.LogGroups) != 1 {
		t.Fatalf("log group: %v %v", out, err)
	}
	if got := aws.ToInt32(out.LogGroups[0].RetentionInDays); got != 14 {
		t.Errorf("retention = %d, want 14 (updated in place)", got)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("re-plan: %v\n%s", p.changed(), r)
	}
}

func TestOutOfBandChangeIsDetectedAndRestored(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	if _, err := cloudwatchlogs.NewFromConfig(cfg).PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/itest-agent-dev"), RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/itest/dev/openai-api-key"), Value: aws.String("sk-rotated-by-hand"), Type: "SecureString", Overwrite: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecr.NewFromConfig(cfg).PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String("itest-agent-dev"), ImageTagMutability: "MUTABLE"}); err != nil {
		t.Fatal(err)
	}
	p, r := plan(t, dir)
	want := []string{"logs:update:out_of_band_change", "repo:update:out_of_band_change", "secret:update:out_of_band_change"}
	got := p.changed()
	if diff := cmp.Diff(want, sorted(got)); diff != "" || r.Code != 2 {
		t.Fatalf("drift (-want +got):\n%s\n%s", diff, r)
	}
	if p.Summary.Drift != 3 {
		t.Errorf("drift count = %d, want 3", p.Summary.Drift)
	}
	text := reconcile(t, dir, "--spec", "spec.yaml", "--dry-run")
	for _, s := range []string{"out-of-band change", "retention_days: 7 → 30 (live)", "(sensitive)"} {
		if !strings.Contains(text.Stdout, s) {
			t.Errorf("text plan lacks %q:\n%s", s, text.Stdout)
		}
	}
	if strings.Contains(text.Stdout+r.Stdout, "sk-rotated") || strings.Contains(text.Stdout+r.Stdout, "sk-test") {
		t.Error("a secret value was printed")
	}
	mustApply(t, dir)
	if p, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("after restoring: %v\n%s", p.changed(), r)
	}
	v, err := ssm.NewFromConfig(cfg).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/itest/dev/openai-api-key"), WithDecryption: aws.Bool(true)})
	if err != nil || aws.ToString(v.Parameter.Value) != "sk-test-secret-value-0123456789" {
		t.Errorf("secret not restored: %v", err)
	}
}

func TestDeletedOutOfBandIsRecreated(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	mustApply(t, dir)
	cfg := awsConfig(t, "us-east-2")
	if _, err := cloudwatchlogs.NewFromConfig(cfg).DeleteLogGroup(context.Background(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/itest-agent-dev")}); err != nil {
		t.Fatal(err)
	}
	p, r := plan(t, dir)
	if diff := cmp.Diff([]string{"logs:create:deleted_out_of_band"}, p.changed()); diff != "" || r.Code != 2 {
		t.Fatalf("(-want +got):\n%s\n%s", diff, r)
	}
	mustApply(t, dir)
	if _, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan: %s", r)
	}
}

func TestRemovedFromSpecIsDeletedUnlessProtected(t *testing.T) {
	spec := basicSpec(t)
	dir := workdir(t, spec)
	mustApply(t, dir)
	// Drop repo_url from the spec.
	cut := spec[:strings.Index(spec, "  repo_url:")] + "outputs: {}\n"
	writeSpec(t, dir, cut)
	p, r := plan(t, dir)
	if diff := cmp.Diff([]string{"repo_url:delete:removed_from_spec"}, p.changed()); diff != "" || r.Code != 2 {
		t.Fatalf("(-want +got):\n%s\n%s", diff, r)
	}
	mustApply(t, dir)
	_, err := ssm.NewFromConfig(awsConfig(t, "us-east-2")).GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/itest/dev/repo-url")})
	if err == nil {
		t.Error("the parameter removed from the spec still exists")
	}

	// A protected resource removed from the spec fails the plan instead.
	protected := strings.Replace(cut, "  logs:\n    type: logs.log_group\n", "  logs:\n    type: logs.log_group\n    protect: true\n", 1)
	writeSpec(t, dir, protected)
	mustApply(t, dir)
	noLogs := strings.Replace(protected, "  logs:\n    type: logs.log_group\n    protect: true\n", "  unused_logs:\n    type: logs.log_group\n    enabled: false\n", 1)
	writeSpec(t, dir, noLogs)
	r = reconcile(t, dir, "--spec", "spec.yaml")
	if r.Code != 1 || !strings.Contains(r.Stdout+r.Stderr, "is protected") {
		t.Fatalf("want the apply to refuse deleting a protected resource: %s", r)
	}
	out, err := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2")).DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/itest-agent-dev")})
	if err != nil || len(out.LogGroups) != 1 {
		t.Errorf("the protected log group is gone: %v %v", out, err)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
