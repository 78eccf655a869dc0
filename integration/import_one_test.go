//go:build integration

package integration

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// TestImportOneResource: `reconcile import NAME ID`, as users know it from
// `terraform import`, records one live resource under the spec's name
// without changing it; a resource that does not exist or that another
// stack owns is refused.
func TestImportOneResource(t *testing.T) {
	dir := workdir(t, basicSpec(t))
	ctx := context.Background()
	logs := cloudwatchlogs.NewFromConfig(awsConfig(t, "us-east-2"))
	const group = "/aws/lambda/itest-agent-dev"

	if r := reconcile(t, dir, "import", "logs", group, "--spec", "spec.yaml"); r.Code != 1 {
		t.Fatalf("import of a group that does not exist: want exit 1\n%s", r)
	}
	must(t, err2(logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group), Tags: map[string]string{"reconcile:stack": "itest/prod"}})))
	if r := reconcile(t, dir, "import", "logs", group, "--spec", "spec.yaml"); r.Code != 1 || !strings.Contains(r.Stdout+r.Stderr, "itest/prod") {
		t.Fatalf("import of another stack's group: want exit 1 naming the owner\n%s", r)
	}
	must(t, err2(logs.UntagLogGroup(ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String(group), Tags: []string{"reconcile:stack"}})))

	if r := reconcile(t, dir, "import", "logs", group, "--spec", "spec.yaml"); r.Code != 0 {
		t.Fatalf("import: %s", r)
	}
	if r := reconcile(t, dir, "state", "list", "--spec", "spec.yaml"); r.Code != 0 || !strings.Contains(r.Stdout, "logs") {
		t.Fatalf("state list after import: %s", r)
	}
	out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	must(t, err)
	if len(out.LogGroups) != 1 || out.LogGroups[0].RetentionInDays != nil {
		t.Fatalf("import changed the group: %+v", out.LogGroups)
	}
	p, _ := plan(t, dir)
	if !slices.Contains(p.changed(), "logs:update:adopted") {
		t.Errorf("plan after import: %v, want logs:update:adopted", p.changed())
	}
	mustApply(t, dir)
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("re-plan after apply: %v\n%s", p.changed(), r)
	}
	out, err = logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	must(t, err)
	if len(out.LogGroups) != 1 || aws.ToInt32(out.LogGroups[0].RetentionInDays) != 7 {
		t.Errorf("after apply the imported group is %+v, want the one group with retention 7", out.LogGroups)
	}
}
