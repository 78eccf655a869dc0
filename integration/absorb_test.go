//go:build integration

package integration

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// absorb takes a retention and a memory size changed by hand into the
// spec: only those two values' text changes (golden file), and the plan is
// clean after.
func TestAbsorbRetentionAndMemory(t *testing.T) {
	text := strings.Replace(tfSpec, "      retention_days: 7\n", "      # A week: the logs are read only while debugging.\n      retention_days: 7 # days\n", 1)
	dir := workdir(t, text)
	cfg := awsConfig(t, "us-east-2")
	ctx := context.Background()
	mustApply(t, dir)
	must(t, err2(cloudwatchlogs.NewFromConfig(cfg).PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/aws/lambda/trip-assistant-agent-dev"), RetentionInDays: aws.Int32(30)})))
	must(t, err2(lambda.NewFromConfig(cfg).UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("trip-assistant-agent-dev"), MemorySize: aws.Int32(1024)})))
	if p, r := plan(t, dir); r.Code != 2 || len(p.changed()) != 2 {
		t.Fatalf("plan of the hand changes: %v\n%s", p.changed(), r)
	}

	show := reconcile(t, dir, "absorb", "--spec", "spec.yaml")
	if show.Code != 0 || !strings.Contains(show.Stdout, "-      retention_days: 7 # days\n+      retention_days: 30 # days\n") || !strings.Contains(show.Stdout, "+      memory_size: 1024\n") {
		t.Errorf("absorb without --write does not show the diff: %s", show)
	}
	if got := readFile(t, filepath.Join(dir, "spec.yaml")); got != text {
		t.Errorf("absorb without --write changed the spec")
	}
	if w := reconcile(t, dir, "absorb", "--spec", "spec.yaml", "--write"); w.Code != 0 {
		t.Fatalf("absorb --write: %s", w)
	}
	got := readFile(t, filepath.Join(dir, "spec.yaml"))
	golden := filepath.Join("testdata", "absorb.spec.golden")
	if *update {
		must(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	if want := readFile(t, golden); got != want {
		t.Errorf("absorbed spec differs from %s:\n%s", golden, got)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("plan after absorb: %v\n%s", p.changed(), r)
	}
}
