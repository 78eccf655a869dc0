//go:build integration

package busyaccount

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
)

var emu emutest.Package

func TestMain(m *testing.M) { os.Exit(emu.Run(m)) }

// TestFill fills the account in two steps that split a block of the mix
// (a function whose role and repository came in the first step) and
// counts, by listing the emulator, what each kind holds.
func TestFill(t *testing.T) {
	emu.Reset(t)
	cfg := emu.Config(t, awsclient.Options{Region: "us-east-2"})
	ctx := context.Background()
	if err := Fill(ctx, cfg, 0, 13, 4); err != nil {
		t.Fatal(err)
	}
	if err := Fill(ctx, cfg, 13, 30, 4); err != nil {
		t.Fatal(err)
	}
	got := map[Kind]int{}
	roles, err := iam.NewFromConfig(cfg).ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		if strings.HasPrefix(aws.ToString(r.RoleName), Prefix) {
			got[Role]++
			pols, err := iam.NewFromConfig(cfg).ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: r.RoleName})
			if err != nil || len(pols.PolicyNames) != 1 {
				t.Errorf("role %s: inline policies %v, %v; want one", aws.ToString(r.RoleName), pols, err)
			}
		}
	}
	params, err := ssm.NewFromConfig(cfg).GetParametersByPath(ctx, &ssm.GetParametersByPathInput{Path: aws.String("/" + Prefix), Recursive: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	got[Parameter] = len(params.Parameters)
	groups, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/" + Prefix)})
	if err != nil {
		t.Fatal(err)
	}
	got[LogGroup] = len(groups.LogGroups)
	repos, err := ecr.NewFromConfig(cfg).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range repos.Repositories {
		if strings.HasPrefix(aws.ToString(r.RepositoryName), Prefix) {
			got[Repo]++
		}
	}
	fns, err := lambda.NewFromConfig(cfg).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns.Functions {
		if strings.HasPrefix(aws.ToString(f.FunctionName), Prefix) {
			got[Function]++
		}
	}
	// 30 is two blocks of the mix (14 each) and a role and a parameter.
	want := map[Kind]int{}
	for _, k := range []Kind{Role, Parameter, LogGroup, Repo, Function} {
		want[k] = Count(30, k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources in the account (-want +got):\n%s", diff)
	}
	if want[Function] != 2 || want[Role] != 9 {
		t.Errorf("the mix changed: %v", want)
	}
}
