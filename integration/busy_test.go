//go:build integration

package integration

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/busyaccount"
)

// TestDeletedOutOfBandInABusyAccount: in an account holding another
// team's resources, more than the reads' budgets (120 roles against the
// IAM listing's 100, 30 functions, 30 repositories), the plan reads the
// stack's resources one by one rather than from account-wide listings,
// and a resource deleted out of band is still reported as deleted: absent
// comes from an authoritative read, whichever strategy was chosen.
func TestDeletedOutOfBandInABusyAccount(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	mustApply(t, dir)
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")
	if err := busyaccount.Fill(ctx, cfg, 0, 420, 8); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudwatchlogs.NewFromConfig(cfg).DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/trip-assistant-agent-dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ecr.NewFromConfig(cfg).DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("trip-assistant-api-dev"), Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(cfg).DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("trip-assistant-agent-dev"), PolicyName: aws.String("agent")}); err != nil {
		t.Fatal(err)
	}
	p, r := plan(t, dir, "--stats")
	want := []string{
		"agent_logs:create:deleted_out_of_band", "agent_policy:create:deleted_out_of_band", "api_repo:create:deleted_out_of_band",
		"deploy_policy:update:dependency_changed", // it names the repository's ARN, made again
	}
	if diff := cmp.Diff(want, sorted(p.changed())); diff != "" || r.Code != 2 {
		t.Fatalf("(-want +got):\n%s\n%s", diff, r)
	}
	mustApply(t, dir)
	if _, r := plan(t, dir); r.Code != 0 {
		t.Fatalf("re-plan: %s", r)
	}
}
