//go:build integration

package integration

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/google/go-cmp/cmp"
)

// TestEveryClassFromARealCause produces each class of the README's table
// that the other tests do not, each from what really causes it: a first
// plan, an input changed, a resource made by hand before the stack knew
// it, and a destroy.
func TestEveryClassFromARealCause(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")

	// new_in_spec: nothing exists yet.
	p, _ := plan(t, dir)
	for _, c := range p.Changes {
		if c.Action != "create" || c.Class != "new_in_spec" {
			t.Errorf("first plan: %s is %s/%s, want create/new_in_spec", c.Name, c.Action, c.Class)
		}
	}

	// adopted: a log group made by hand with the spec's name before any
	// apply exists in AWS, not in the state.
	must(t, err2(cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/itest-agent-dev")})))
	p, _ = plan(t, dir)
	if !slices.Contains(p.changed(), "logs:update:adopted") {
		t.Errorf("a log group made by hand: %v, want logs:update:adopted", p.changed())
	}
	mustApply(t, dir)

	// spec_changed from an input: the spec text is the same, the secret
	// it reads is not. Only the secret changes, and it is a spec change.
	r := reconcileEnv(t, dir, []string{"OPENAI_API_KEY=sk-another-secret-value-0123456789"}, "--spec", "spec.yaml", "--dry-run", "--detailed-exitcode", "--output", "json")
	if r.Code != 2 || !strings.Contains(r.Stdout, `"class": "spec_changed"`) {
		t.Fatalf("an input changed: want exit 2 and spec_changed\n%s", r)
	}
	if strings.Contains(r.Stdout, "sk-another") {
		t.Errorf("the new secret was printed:\n%s", r)
	}
	got := planFromJSON(t, r)
	if diff := cmp.Diff([]string{"secret:update:spec_changed"}, got.changed()); diff != "" || got.Summary.Drift != 0 {
		t.Errorf("an input changed (-want +got):\n%s\ndrift %d", diff, got.Summary.Drift)
	}

	// destroy: every resource the stack owns, classed destroy.
	p, _ = plan(t, dir, "--destroy")
	for _, c := range p.Changes {
		if c.Action != "delete" || c.Class != "destroy" {
			t.Errorf("destroy plan: %s is %s/%s, want delete/destroy", c.Name, c.Action, c.Class)
		}
	}
	if len(p.Changes) != 4 {
		t.Errorf("destroy plan has %d changes, want 4", len(p.Changes))
	}
}
