package lambdaperm

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/testinfra/fakeapi"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

const (
	sourceARN = "arn:aws:execute-api:us-east-2:123456789012:abc123/*/*"
	// As Lambda writes it: principal and source ARN rewritten.
	apigwStatement = `{"Sid":"apigw","Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},` +
		`"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-2:123456789012:function:fn:live",` +
		`"Condition":{"ArnLike":{"AWS:SourceArn":"` + sourceARN + `"}}}`
	otherStatement = `{"Sid":"other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["lambda:GetFunction"],"Resource":"*"}`
)

func policy(statements ...string) *lambda.GetPolicyOutput {
	doc := `{"Version":"2012-10-17","Id":"default","Statement":[`
	for i, s := range statements {
		if i > 0 {
			doc += ","
		}
		doc += s
	}
	return &lambda.GetPolicyOutput{Policy: aws.String(doc + "]}")}
}

var desired = spec.Props{
	"function_name": "fn", "qualifier": "live", "statement_id": "apigw",
	"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com", "source_arn": sourceARN,
}

var liveObs = reconcile.Observation{
	Exists: true,
	ID:     "fn:live:apigw",
	Props:  desired,
	Attrs:  map[string]string{"statement_id": "apigw"},
}

func TestObserve(t *testing.T) {
	notFound := &types.ResourceNotFoundException{Message: aws.String("The resource you requested does not exist.")}
	cases := map[string]struct {
		req       reconcile.ObserveRequest
		policy    *lambda.GetPolicyOutput
		err       error
		want      reconcile.Observation
		wantCalls int
	}{
		"found among others": {req: reconcile.ObserveRequest{ID: "fn:live:apigw"}, policy: policy(otherStatement, apigwStatement), want: liveObs, wantCalls: 1},
		"from desired":       {req: reconcile.ObserveRequest{Desired: desired}, policy: policy(apigwStatement), want: liveObs, wantCalls: 1},
		"no such sid":        {req: reconcile.ObserveRequest{ID: "fn:live:apigw"}, policy: policy(otherStatement), wantCalls: 1},
		"no policy":          {req: reconcile.ObserveRequest{ID: "fn:live:apigw"}, err: notFound, wantCalls: 1},
		"function not made yet": {
			req: reconcile.ObserveRequest{Desired: spec.Props{"function_name": spec.Unknown{Ref: "agent.name"}, "statement_id": "apigw"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeapi.Lambda{On: fakeapi.LambdaFuncs{GetPolicy: func(in *lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error) {
				if aws.ToString(in.Qualifier) != "live" {
					return nil, fmt.Errorf("GetPolicy asked without the alias qualifier: %+v", in)
				}
				return tc.policy, tc.err
			}}}
			got, err := NewWithAPI(f).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Observe (-want +got):\n%s", d)
			}
			if len(f.Calls.List()) != tc.wantCalls {
				t.Errorf("calls = %v, want %d", f.Calls.List(), tc.wantCalls)
			}
		})
	}
}

func TestPrincipalReadBack(t *testing.T) {
	cases := map[string]struct {
		raw     any
		desired string
		want    string
	}{
		"service":             {map[string]any{"Service": "apigateway.amazonaws.com"}, "apigateway.amazonaws.com", "apigateway.amazonaws.com"},
		"account id":          {map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, "123456789012", "123456789012"},
		"account as arn":      {map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root"},
		"another account":     {map[string]any{"AWS": "arn:aws:iam::123456789012:root"}, "210987654321", "arn:aws:iam::123456789012:root"},
		"everyone":            {"*", "*", "*"},
		"service list of one": {map[string]any{"Service": []any{"events.amazonaws.com"}}, "", "events.amazonaws.com"},
	}
	for name, tc := range cases {
		if got := principal(tc.raw, tc.desired); got != tc.want {
			t.Errorf("%s: principal = %q, want %q", name, got, tc.want)
		}
	}
}

func TestCreate(t *testing.T) {
	conflict := &types.ResourceConflictException{Message: aws.String("The statement id (apigw) provided already exists.")}
	added := func(in *lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error) {
		if aws.ToString(in.Qualifier) != "live" || aws.ToString(in.SourceArn) != sourceARN {
			return nil, fmt.Errorf("unexpected input %+v", in)
		}
		return &lambda.AddPermissionOutput{Statement: aws.String(apigwStatement)}, nil
	}
	cases := map[string]struct {
		add       []func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error)
		policy    *lambda.GetPolicyOutput
		wantCalls []string
	}{
		"new": {
			add:       []func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error){added},
			wantCalls: []string{"AddPermission"},
		},
		"exists, same grant: adopted": {
			add: []func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error){
				func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error) { return nil, conflict },
			},
			policy:    policy(apigwStatement),
			wantCalls: []string{"AddPermission", "GetPolicy"},
		},
		"exists, different grant: replaced": {
			add: []func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error){
				func(*lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error) { return nil, conflict },
				added,
			},
			policy:    policy(`{"Sid":"apigw","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction"}`),
			wantCalls: []string{"AddPermission", "GetPolicy", "RemovePermission", "AddPermission"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			n := 0
			f := &fakeapi.Lambda{On: fakeapi.LambdaFuncs{
				AddPermission: func(in *lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error) {
					n++
					return tc.add[n-1](in)
				},
				GetPolicy: func(*lambda.GetPolicyInput) (*lambda.GetPolicyOutput, error) { return tc.policy, nil },
				RemovePermission: func(*lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error) {
					return &lambda.RemovePermissionOutput{}, nil
				},
			}}
			got, err := NewWithAPI(f).Create(context.Background(), desired)
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

func TestDeleteToleratesAbsence(t *testing.T) {
	f := &fakeapi.Lambda{On: fakeapi.LambdaFuncs{RemovePermission: func(*lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error) {
		return nil, &types.ResourceNotFoundException{Message: aws.String("No policy is associated with the given resource.")}
	}}}
	if err := NewWithAPI(f).Delete(context.Background(), "fn:live:apigw"); err != nil {
		t.Errorf("Delete = %v, want nil", err)
	}
	if err := NewWithAPI(f).Delete(context.Background(), "fn:apigw"); err == nil {
		t.Error("Delete of a malformed id succeeded")
	}
}

// Calls that change one function's policy never overlap; calls on two
// functions do.
func TestChangesAreSerialisedPerFunction(t *testing.T) {
	var mu sync.Mutex
	inFlight := map[string]int{}
	maxInFlight := map[string]int{}
	enter := func(fn string) {
		mu.Lock()
		inFlight[fn]++
		maxInFlight[fn] = max(maxInFlight[fn], inFlight[fn])
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		inFlight[fn]--
		mu.Unlock()
	}
	// Both functions' first calls must be in flight together, or this
	// test times out: the lock is per function, not global.
	var both sync.WaitGroup
	both.Add(2)
	var once sync.Map
	rendezvous := func(fn string) {
		if _, loaded := once.LoadOrStore(fn, true); loaded {
			return
		}
		both.Done()
		done := make(chan struct{})
		go func() { both.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("the first call on %s never overlapped the other function's", fn)
		}
	}
	f := &fakeapi.Lambda{On: fakeapi.LambdaFuncs{
		AddPermission: func(in *lambda.AddPermissionInput) (*lambda.AddPermissionOutput, error) {
			fn := aws.ToString(in.FunctionName)
			rendezvous(fn)
			enter(fn)
			return &lambda.AddPermissionOutput{Statement: aws.String(`{"Sid":"` + aws.ToString(in.StatementId) + `"}`)}, nil
		},
		RemovePermission: func(in *lambda.RemovePermissionInput) (*lambda.RemovePermissionOutput, error) {
			enter(aws.ToString(in.FunctionName))
			return &lambda.RemovePermissionOutput{}, nil
		},
	}}
	k := NewWithAPI(f)
	var wg sync.WaitGroup
	for _, fn := range []string{"a", "b"} {
		for i := range 8 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				if _, err := k.Create(context.Background(), spec.Props{
					"function_name": fn, "statement_id": fmt.Sprint("s", i), "principal": "apigateway.amazonaws.com",
				}); err != nil {
					t.Error(err)
				}
			}()
			go func() {
				defer wg.Done()
				if err := k.Delete(context.Background(), fn+"::old"+fmt.Sprint(i)); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if d := cmp.Diff(map[string]int{"a": 1, "b": 1}, maxInFlight); d != "" {
		t.Errorf("most calls in flight at once per function (-want +got):\n%s", d)
	}
}
