package lambdaalias

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/fakeapi"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// fakeLambda is the shared Lambda fake, except that an alias whose
// GetPolicy the test did not set has no policy, and that call is not
// recorded: the tests list the alias calls.
type fakeLambda struct{ fakeapi.Lambda }

func newFake(on fakeapi.LambdaFuncs) *fakeLambda { return &fakeLambda{fakeapi.Lambda{On: on}} }

func (f *fakeLambda) GetPolicy(ctx context.Context, in *lambda.GetPolicyInput, opts ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	if f.On.GetPolicy == nil {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no policy")}
	}
	return f.Lambda.GetPolicy(ctx, in, opts...)
}

const aliasARN = "arn:aws:lambda:us-east-2:123456789012:function:fn:live"

var liveObs = reconcile.Observation{
	Exists: true,
	ID:     "fn:live",
	Props:  spec.Props{"function_name": "fn", "name": "live", "function_version": "2", "description": "", "permissions": []any{}},
	Attrs:  map[string]string{"arn": aliasARN, "name": "live", "function_version": "2"},
}

func TestObserve(t *testing.T) {
	found := func(in *lambda.GetAliasInput) (*lambda.GetAliasOutput, error) {
		if aws.ToString(in.FunctionName) != "fn" || aws.ToString(in.Name) != "live" {
			return nil, fmt.Errorf("unexpected input %+v", in)
		}
		return &lambda.GetAliasOutput{AliasArn: aws.String(aliasARN), Name: aws.String("live"), FunctionVersion: aws.String("2")}, nil
	}
	notFound := func(*lambda.GetAliasInput) (*lambda.GetAliasOutput, error) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Cannot find alias arn")}
	}
	cases := map[string]struct {
		req       reconcile.ObserveRequest
		get       func(*lambda.GetAliasInput) (*lambda.GetAliasOutput, error)
		want      reconcile.Observation
		wantCalls []string
	}{
		"by id":      {reconcile.ObserveRequest{ID: "fn:live"}, found, liveObs, []string{"GetAlias"}},
		"by desired": {reconcile.ObserveRequest{Desired: spec.Props{"function_name": "fn", "name": "live"}}, found, liveObs, []string{"GetAlias"}},
		"absent":     {reconcile.ObserveRequest{ID: "fn:live"}, notFound, reconcile.Observation{}, []string{"GetAlias"}},
		"function not made yet": {
			reconcile.ObserveRequest{Desired: spec.Props{"function_name": spec.Unknown{Ref: "agent.name"}, "name": "live"}},
			nil, reconcile.Observation{}, nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(fakeapi.LambdaFuncs{GetAlias: tc.get})
			got, err := NewWithAPI(f).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Observe (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantCalls, f.Calls.List()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	update := func(in *lambda.UpdateAliasInput) (*lambda.UpdateAliasOutput, error) {
		return &lambda.UpdateAliasOutput{AliasArn: aws.String(aliasARN), Name: in.Name, FunctionVersion: in.FunctionVersion}, nil
	}
	cases := map[string]struct {
		create    func(*lambda.CreateAliasInput) (*lambda.CreateAliasOutput, error)
		wantCalls []string
	}{
		"new": {
			create: func(in *lambda.CreateAliasInput) (*lambda.CreateAliasOutput, error) {
				return &lambda.CreateAliasOutput{AliasArn: aws.String(aliasARN), Name: in.Name, FunctionVersion: in.FunctionVersion}, nil
			},
			wantCalls: []string{"CreateAlias"},
		},
		"exists (AWS): adopted and moved": {
			create: func(*lambda.CreateAliasInput) (*lambda.CreateAliasOutput, error) {
				return nil, &types.ResourceConflictException{Message: aws.String("Alias already exists")}
			},
			wantCalls: []string{"CreateAlias", "UpdateAlias"},
		},
		"exists (moto's ConflictException)": {
			create: func(*lambda.CreateAliasInput) (*lambda.CreateAliasOutput, error) {
				return nil, &smithy.GenericAPIError{Code: "ConflictException", Message: "Alias already exists"}
			},
			wantCalls: []string{"CreateAlias", "UpdateAlias"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFake(fakeapi.LambdaFuncs{CreateAlias: tc.create, UpdateAlias: update})
			got, err := NewWithAPI(f).Create(context.Background(), spec.Props{
				"function_name": "fn", "name": "live", "function_version": "2", "description": "",
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(liveObs, got); d != "" {
				t.Errorf("Create (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantCalls, f.Calls.List()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	f := newFake(fakeapi.LambdaFuncs{DeleteAlias: func(*lambda.DeleteAliasInput) (*lambda.DeleteAliasOutput, error) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("Function not found")}
	}})
	if err := NewWithAPI(f).Delete(context.Background(), "fn:live"); err != nil {
		t.Errorf("Delete of an absent alias = %v, want nil", err)
	}
	if err := NewWithAPI(f).Delete(context.Background(), "no-colon"); err == nil {
		t.Error("Delete of a malformed id succeeded")
	}
}

func TestCheckName(t *testing.T) {
	cases := map[string]bool{"live": true, "v2-live_x": true, "123": false, "": false, "a:b": false, "1a": true}
	for name, ok := range cases {
		if err := checkName(name); (err == nil) != ok {
			t.Errorf("checkName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}
