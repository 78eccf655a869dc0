//go:build integration

package iamindex_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/iampolicy"
	"github.com/trip-assistant/stack/resources/iamrole"
	"github.com/trip-assistant/stack/resources/internal/iamindex"
)

// On moto 5.2.5 the listings carry what GetRole, ListAttachedRolePolicies
// and GetRolePolicy do (ListRoles: description and session duration;
// GetAccountAuthorizationDetails: tags, attached policies, URL-encoded
// inline documents, a plain trust document): a batch observed through the
// index equals the roles and policies observed one by one, with two
// listing calls instead of three reads per role, a role made after the
// listing is still read, and the lister needs no listing of its own.
func TestIntegrationBatchesEqualPerResourceReads(t *testing.T) {
	ctx := context.Background()
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	emu, err := emulator.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	load := func(stats *awsclient.Stats) aws.Config {
		cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "us-east-2", Endpoint: emu.Endpoint, Stats: stats})
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	plain := load(nil)
	roles, policies := iamrole.New(plain), iampolicy.New(plain)
	var roleReqs, policyReqs []reconcile.ObserveRequest
	for i := range 6 {
		name := fmt.Sprintf("trip-dev-%d", i)
		role := spec.WithDefaults(roles.Schema(), spec.Props{
			"name":        name,
			"description": "role " + name,
			"assume_role_policy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}},
			"max_session_duration": int64(7200),
			"managed_policy_arns":  []any{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
			"tags":                 map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: name},
		})
		policy := spec.Props{"role": name, "name": "read", "policy": map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:us-east-2:1:parameter/a b+c"}}}}
		if i < 5 { // the last role is made after the listing
			if _, err := roles.Create(ctx, role); err != nil {
				t.Fatal(err)
			}
			if _, err := policies.Create(ctx, policy); err != nil {
				t.Fatal(err)
			}
		}
		roleReqs = append(roleReqs, reconcile.ObserveRequest{Name: name, ID: name, Desired: role})
		policyReqs = append(policyReqs, reconcile.ObserveRequest{Name: name, ID: iampolicy.ID(name, "read"), Desired: policy})
	}

	stats := awsclient.NewStats()
	cfg := load(stats)
	x := iamindex.New(cfg)
	batchRoles, batchPolicies := iamrole.New(cfg, iamrole.WithIndex(x)), iampolicy.New(cfg, iampolicy.WithIndex(x))
	// Prime the listings, then make the last role and its policy.
	if _, _, ok := x.Role(ctx, "trip-dev-0", iamindex.MaxPages(len(roleReqs))); !ok {
		t.Fatal("trip-dev-0 not listed")
	}
	if _, err := roles.Create(ctx, roleReqs[5].Desired); err != nil {
		t.Fatal(err)
	}
	if _, err := policies.Create(ctx, policyReqs[5].Desired); err != nil {
		t.Fatal(err)
	}
	gotRoles, err := batchRoles.ObserveBatch(ctx, roleReqs)
	if err != nil {
		t.Fatal(err)
	}
	gotPolicies, err := batchPolicies.ObserveBatch(ctx, policyReqs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range roleReqs {
		want, err := roles.Observe(ctx, roleReqs[i])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, gotRoles[i]); diff != "" {
			t.Errorf("role %d (-Observe +ObserveBatch):\n%s", i, diff)
		}
		if d := reconcile.ComputeDiff(roles.Schema(), roleReqs[i].Desired, gotRoles[i].Props, nil); len(d) != 0 {
			t.Errorf("role %d: diff %v", i, d.Paths())
		}
		want, err = policies.Observe(ctx, policyReqs[i])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, gotPolicies[i]); diff != "" {
			t.Errorf("policy %d (-Observe +ObserveBatch):\n%s", i, diff)
		}
		if d := reconcile.ComputeDiff(policies.Schema(), policyReqs[i].Desired, gotPolicies[i].Props, nil); len(d) != 0 {
			t.Errorf("policy %d: diff %v", i, d.Paths())
		}
	}
	// The lister answers from the same ListRoles listing, so it reports
	// the roles that listing saw, without a call of its own.
	listed, err := batchRoles.List(ctx, "trip-dev-")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"trip-dev-0", "trip-dev-1", "trip-dev-2", "trip-dev-3", "trip-dev-4"}, listed); diff != "" {
		t.Errorf("List() (-want +got):\n%s", diff)
	}
	count := map[string]int{}
	for op, n := range stats.Report().ByOperation {
		count[op[strings.Index(op, ":")+1:]] += n
	}
	// moto counts the account's roles: few, so both listings are made.
	want := map[string]int{"GetAccountSummary": 1, "ListRoles": 1, "GetAccountAuthorizationDetails": 1, "GetRole": 1, "ListAttachedRolePolicies": 1, "ListRolePolicies": 1, "GetRolePolicy": 1}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}
