package iamrole

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func TestUpdateRemovesWhatTheSpecDoesNotDeclare(t *testing.T) {
	var calls []string
	f := &fakeIAM{
		deleteRolePolicy: func(in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
			calls = append(calls, "DeleteRolePolicy "+aws.ToString(in.PolicyName))
			return &iam.DeleteRolePolicyOutput{}, nil
		},
		detachRolePolicy: func(in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
			calls = append(calls, "DetachRolePolicy "+aws.ToString(in.PolicyArn))
			return &iam.DetachRolePolicyOutput{}, nil
		},
	}
	k := NewWithAPI(f)
	desired := spec.Props{"name": "agent", "managed_policy_arns": []any{}, "inline_policies": []any{"agent", "later"}}
	live := spec.Props{"name": "agent", "managed_policy_arns": []any{"arn:aws:iam::1:policy/admin"}, "inline_policies": []any{"agent", "hand"}}
	diff := reconcile.ComputeDiff(k.Schema(), desired, live, nil)
	obs, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: "agent", Desired: desired, Live: reconcile.Observation{Exists: true, ID: "agent", Props: live}, Diff: diff})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"DetachRolePolicy arn:aws:iam::1:policy/admin", "DeleteRolePolicy hand"}, calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	// "later" is declared but not made yet: it is not live after the update.
	if d := cmp.Diff([]any{"agent"}, obs.Props["inline_policies"]); d != "" {
		t.Errorf("inline_policies after update (-want +got):\n%s", d)
	}
	for _, f := range []string{"managed_policy_arns", "inline_policies"} {
		if reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil).Has(f) {
			t.Errorf("%s not converged after update: %v", f, obs.Props[f])
		}
	}
}

func TestListStacksReadsTheOwnerTag(t *testing.T) {
	f := &fakeIAM{
		listRoles: func(*iam.ListRolesInput) (*iam.ListRolesOutput, error) {
			return &iam.ListRolesOutput{Roles: []types.Role{{RoleName: aws.String("trip-a")}, {RoleName: aws.String("trip-b")}, {RoleName: aws.String("other")}}}, nil
		},
		listRoleTags: func(in *iam.ListRoleTagsInput) (*iam.ListRoleTagsOutput, error) {
			if aws.ToString(in.RoleName) == "trip-b" {
				return &iam.ListRoleTagsOutput{Tags: []types.Tag{{Key: aws.String(reconcile.TagStack), Value: aws.String("trip/prod")}}}, nil
			}
			return &iam.ListRoleTagsOutput{}, nil
		},
	}
	got, err := NewWithAPI(f).ListStacks(context.Background(), "trip-")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]reconcile.Listed{{ID: "trip-a"}, {ID: "trip-b", Stack: "trip/prod"}}, got); d != "" {
		t.Errorf("ListStacks (-want +got):\n%s", d)
	}
}
