//go:build integration

package integration

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const oidcARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

// TestDevAndProdAreNeighbours applies account.yaml, then dev and prod of
// spec.yaml into one account: each re-plans clean after the other's
// apply and lists none of the other's resources as unmanaged; a spec that
// would adopt prod's log group fails naming prod and changes nothing; and
// destroying dev leaves prod clean, with its deploy role and the OIDC
// provider it trusts, as the SDK lists them.
func TestDevAndProdAreNeighbours(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	ctx := context.Background()
	cfg := awsConfig(t, "us-east-2")

	clean := func(env, other string, otherExists bool) {
		t.Helper()
		p, r := plan(t, dir, "--env", env)
		if r.Code != 0 {
			t.Fatalf("%s re-plan: want exit 0: %v\n%s", env, p.changed(), r)
		}
		for _, u := range p.Unmanaged {
			if strings.Contains(u.ID, "-"+other) || strings.Contains(u.ID, "/"+other+"/") {
				t.Errorf("%s lists %s's %s %s as unmanaged", env, other, u.Type, u.ID)
			}
		}
		if otherExists && !strings.Contains(r.Stdout, `"trip-assistant/`+other+`"`) {
			t.Errorf("%s's plan does not count %s's resources as neighbours:\n%s", env, other, r.Stdout)
		}
	}
	mustApply(t, dir, "--env", "dev")
	mustApply(t, dir, "--env", "prod")
	clean("dev", "prod", true)
	mustApply(t, dir, "--env", "dev")
	clean("prod", "dev", true)

	// A log group made by hand with prod's tag, then declared in dev.
	logs := cloudwatchlogs.NewFromConfig(cfg)
	theirs := "/aws/lambda/trip-assistant-extra-prod"
	prodTags := map[string]string{"reconcile:stack": "trip-assistant/prod", "reconcile:name": "extra_logs"}
	must(t, err2(logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(theirs), Tags: prodTags})))
	adopting := strings.Replace(readFile(t, filepath.Join(dir, "spec.yaml")), "\nresources:\n", "\nresources:\n  extra_logs:\n    type: logs.log_group\n    properties:\n      name: "+theirs+"\n      retention_days: 7\n", 1)
	writeSpec(t, dir, adopting)
	r := reconcile(t, dir, "--spec", "spec.yaml", "--env", "dev")
	if r.Code != 1 || !strings.Contains(r.Stdout+r.Stderr, "belongs to the stack trip-assistant/prod") {
		t.Fatalf("adopting prod's log group: want exit 1 naming trip-assistant/prod: %s", r)
	}
	g, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(theirs)})
	must(t, err)
	if len(g.LogGroups) != 1 || aws.ToInt32(g.LogGroups[0].RetentionInDays) != 0 {
		t.Fatalf("prod's log group changed: %+v", g.LogGroups)
	}
	tags, err := logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(strings.TrimSuffix(aws.ToString(g.LogGroups[0].Arn), ":*"))})
	must(t, err)
	if tags.Tags["reconcile:stack"] != "trip-assistant/prod" {
		t.Errorf("prod's log group retagged: %v", tags.Tags)
	}
	writeSpec(t, dir, readFile(t, filepath.Join(root, "spec.yaml")))
	clean("dev", "prod", true)

	if r := reconcile(t, dir, "--spec", "spec.yaml", "--env", "dev", "--destroy"); r.Code != 0 {
		t.Fatalf("destroy dev: %s", r)
	}
	clean("prod", "dev", false)
	ic := iam.NewFromConfig(cfg)
	role, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("trip-assistant-deploy-prod")})
	must(t, err)
	trust, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	must(t, err)
	if !strings.Contains(trust, oidcARN) {
		t.Errorf("prod's deploy role trusts %s, want %s", trust, oidcARN)
	}
	must(t, err2(ic.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(oidcARN)})))
	if _, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("trip-assistant-deploy-dev")}); err == nil {
		t.Error("dev's deploy role survived dev's destroy")
	}
}
