//go:build integration

package iampolicy_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trip-assistant/stack/internal/testinfra/emulator/emutest"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/iampolicy"
)

func TestInlinePolicyLifecycle(t *testing.T) {
	ctx := context.Background()
	cfg := emutest.Config(t, "us-east-2")
	client := iam.NewFromConfig(cfg)
	if _, err := client.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("trip-assistant-api-it"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	k := iampolicy.New(cfg)
	desired := spec.Props{
		"role": "trip-assistant-api-it",
		"name": "invoke-agent",
		"policy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Sid": "InvokeAgent", "Effect": "Allow", "Action": []any{"lambda:InvokeFunction"},
			"Resource": []any{"arn:aws:lambda:us-east-2:123456789012:function:trip-assistant-agent-it:live"},
		}}},
	}
	observe := func(id string) reconcile.Observation {
		t.Helper()
		obs, err := k.Observe(ctx, reconcile.ObserveRequest{Name: "api_invoke", ID: id, Desired: desired})
		if err != nil {
			t.Fatal(err)
		}
		return obs
	}
	if observe("").Exists {
		t.Fatal("policy exists before create")
	}
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	// Found by ID, and by the spec alone (a run killed before recording it).
	for _, id := range []string{obs.ID, ""} {
		live := observe(id)
		if d := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil); !live.Exists || len(d) != 0 {
			t.Fatalf("observe(%q): exists=%v diff=%v", id, live.Exists, d)
		}
	}
	// Create again is a put: idempotent.
	if _, err := k.Create(ctx, desired); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, obs.ID); err != nil {
		t.Fatal(err)
	}
	if observe(obs.ID).Exists {
		t.Fatal("policy observed after delete")
	}
	list, err := client.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("trip-assistant-api-it")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.PolicyNames) != 0 {
		t.Errorf("inline policies left: %v", list.PolicyNames)
	}
	if err := k.Delete(ctx, obs.ID); err != nil {
		t.Errorf("second Delete() = %v", err)
	}
}
