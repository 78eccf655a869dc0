package lambdafn

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// TestFunctionOwnsItsPolicyAndURL: Observe reads the unqualified policy's
// statements and the function URL; a statement the stack does not declare
// and the URL are drift, and Update removes them (the declared statement
// stays) before anything else.
func TestFunctionOwnsItsPolicyAndURL(t *testing.T) {
	f := settledFake()
	f.getPolicy = func(in *lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error) {
		if in.Qualifier != nil {
			t.Errorf("GetPolicy qualifier = %q, want none", aws.ToString(in.Qualifier))
		}
		return &lambda.GetPolicyOutput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"declared"},{"Sid":"anyone"}]}`)}, nil
	}
	f.getFunctionURLConfig = func(*lambda.GetFunctionUrlConfigInput) (*lambda.GetFunctionUrlConfigOutput, error) {
		return &lambda.GetFunctionUrlConfigOutput{FunctionUrl: aws.String("https://x.lambda-url.us-east-2.on.aws/"), AuthType: types.FunctionUrlAuthTypeNone}, nil
	}
	var removed []string
	f.removePermission = func(in *lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error) {
		removed = append(removed, aws.ToString(in.StatementId))
		return &lambda.RemovePermissionOutput{}, nil
	}
	urlDeleted := 0
	f.deleteFunctionURLConfig = func(*lambda.DeleteFunctionUrlConfigInput) (*lambda.DeleteFunctionUrlConfigOutput, error) {
		urlDeleted++
		return &lambda.DeleteFunctionUrlConfigOutput{}, nil
	}
	k := NewWithAPI(f)
	ctx := context.Background()
	live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "fn"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]any{"anyone", "declared"}, live.Props["permissions"]); d != "" {
		t.Errorf("permissions (-want +got):\n%s", d)
	}
	if got, want := live.Props["function_url"], "https://x.lambda-url.us-east-2.on.aws/ (auth_type NONE)"; got != want {
		t.Errorf("function_url = %v, want %q", got, want)
	}
	desired := spec.Props{"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "architectures": []any{"x86_64"},
		"memory_size": int64(128), "timeout": int64(3), "tags": map[string]any{"old": "x", "keep": "k"},
		"permissions": []any{"declared"}}
	diff := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
	if d := cmp.Diff([]string{"function_url", "permissions"}, diff.Paths()); d != "" {
		t.Fatalf("diff (-want +got):\n%s", d)
	}
	f.calls.Reset()
	if _, err := k.Update(ctx, reconcile.UpdateRequest{ID: "fn", Desired: desired, Live: live, Diff: diff}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"anyone"}, removed); d != "" {
		t.Errorf("statements removed (-want +got):\n%s", d)
	}
	if urlDeleted != 1 {
		t.Errorf("DeleteFunctionUrlConfig called %d times, want 1", urlDeleted)
	}
	if calls := f.calls.List(); len(calls) < 2 || calls[0] != "RemovePermission" || calls[1] != "DeleteFunctionUrlConfig" {
		t.Errorf("calls %v: the removals must come first", calls)
	}
}

// TestFunctionURLCannotBeDeclared: the spec may only ask for none.
func TestFunctionURLCannotBeDeclared(t *testing.T) {
	check := NewWithAPI(nil).Schema()["function_url"].Check
	if err := check("none"); err != nil {
		t.Errorf("none: %v", err)
	}
	if err := check("https://x"); err == nil {
		t.Error("a URL was accepted")
	}
}

// TestQualifiedStatementsAreTheAliases: a statement granting an alias is
// not the function's (moto answers them in the unqualified policy too).
func TestQualifiedStatementsAreTheAliases(t *testing.T) {
	f := &fakeLambda{getPolicy: func(*lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error) {
		return &lambda.GetPolicyOutput{Policy: aws.String(`{"Statement":[
			{"Sid":"fn","Resource":"arn:aws:lambda:us-east-2:123456789012:function:fn"},
			{"Sid":"alias","Resource":"arn:aws:lambda:us-east-2:123456789012:function:fn:live"},
			{"Sid":"other","Resource":"arn:aws:lambda:us-east-2:123456789012:function:fnx:live"}]}`)}, nil
	}}
	k := NewWithAPI(f)
	got, err := k.statements(context.Background(), "fn", k.policies.Read)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"fn", "other"}, got); d != "" {
		t.Errorf("statements (-want +got):\n%s", d)
	}
}
