package iampolicy

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/policydoc"
)

type fakeIAM struct {
	mu               sync.Mutex // batch reads run concurrently
	calls            []string
	getRolePolicy    func(*iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error)
	putRolePolicy    func(*iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error)
	deleteRolePolicy func(*iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error)
}

var _ API = (*fakeIAM)(nil)

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	f.record("GetRolePolicy")
	return f.getRolePolicy(in)
}

func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	f.record("PutRolePolicy")
	if f.putRolePolicy == nil {
		return &iam.PutRolePolicyOutput{}, nil
	}
	return f.putRolePolicy(in)
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.record("DeleteRolePolicy")
	return f.deleteRolePolicy(in)
}

func (f *fakeIAM) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

const stored = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-2:1:parameter/k"}}`

var desiredPolicy = map[string]any{"Version": "2012-10-17", "Statement": []any{
	map[string]any{"Effect": "Allow", "Action": []any{"ssm:GetParameter"}, "Resource": []any{"arn:aws:ssm:us-east-2:1:parameter/k"}}}}

func TestObserve(t *testing.T) {
	f := &fakeIAM{getRolePolicy: func(in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		if *in.RoleName != "agent" || *in.PolicyName != "read-key" {
			return nil, &types.NoSuchEntityException{}
		}
		return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.PathEscape(stored))}, nil
	}}
	k := NewWithAPI(f)
	cases := map[string]struct {
		req    reconcile.ObserveRequest
		exists bool
	}{
		"by id":              {reconcile.ObserveRequest{ID: "agent:read-key"}, true},
		"by spec":            {reconcile.ObserveRequest{Desired: spec.Props{"role": "agent", "name": "read-key"}}, true},
		"absent":             {reconcile.ObserveRequest{ID: "agent:other"}, false},
		"role not known yet": {reconcile.ObserveRequest{Desired: spec.Props{"role": spec.Unknown{Ref: "r.name"}, "name": "read-key"}}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := k.Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exists != tc.exists {
				t.Fatalf("Observe().Exists = %v, want %v", got.Exists, tc.exists)
			}
			if !tc.exists {
				return
			}
			if got.ID != "agent:read-key" || got.Props.String("role") != "agent" || got.Attrs["name"] != "read-key" {
				t.Errorf("Observe() = %+v", got)
			}
			if !policydoc.Equal(desiredPolicy, got.Props["policy"]) {
				t.Errorf("live policy %v not equal to desired %v", got.Props["policy"], desiredPolicy)
			}
		})
	}
	if _, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: "no-colon"}); err == nil {
		t.Error("Observe() with a malformed id: want an error")
	}
}

func TestUpdateOnlyWhenPolicyDiffers(t *testing.T) {
	desired := spec.Props{"role": "agent", "name": "read-key", "policy": desiredPolicy}
	live := reconcile.Observation{Exists: true, ID: "agent:read-key"}
	cases := map[string]struct {
		diff  reconcile.Diff
		calls []string
	}{
		"no diff":        {nil, nil},
		"policy differs": {reconcile.Diff{{Path: "policy"}}, []string{"PutRolePolicy"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var sent string
			f := &fakeIAM{putRolePolicy: func(in *iam.PutRolePolicyInput) (*iam.PutRolePolicyOutput, error) {
				sent = *in.PolicyDocument
				return &iam.PutRolePolicyOutput{}, nil
			}}
			if _, err := NewWithAPI(f).Update(context.Background(), reconcile.UpdateRequest{ID: live.ID, Desired: desired, Live: live, Diff: tc.diff}); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.calls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if tc.calls != nil && !policydoc.Equal(desiredPolicy, sent) {
				t.Errorf("PutRolePolicy sent %s", sent)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	for name, err := range map[string]error{"deleted": nil, "already gone": &types.NoSuchEntityException{}} {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{deleteRolePolicy: func(in *iam.DeleteRolePolicyInput) (*iam.DeleteRolePolicyOutput, error) {
				if *in.RoleName != "agent" || *in.PolicyName != "read-key" {
					t.Errorf("DeleteRolePolicy(%s, %s)", *in.RoleName, *in.PolicyName)
				}
				return &iam.DeleteRolePolicyOutput{}, err
			}}
			if err := NewWithAPI(f).Delete(context.Background(), "agent:read-key"); err != nil {
				t.Errorf("Delete() = %v", err)
			}
		})
	}
}

func TestPolicyCheck(t *testing.T) {
	check := NewWithAPI(&fakeIAM{}).Schema()["policy"].Check
	cases := map[string]struct {
		policy  any
		wantErr string
	}{
		"named resource": {map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "${openai_key.arn}"}}}, ""},
		"star": {map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:x"},
			map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObject"}, "Resource": "*"}}},
			"least privilege: statement 2 allows s3:GetObject on every resource; name the resources"},
		"no resource": {map[string]any{"Statement": map[string]any{"Effect": "Allow", "Action": "logs:PutLogEvents"}},
			"least privilege: statement 1 allows logs:PutLogEvents on every resource; name the resources"},
		"not JSON": {"{", "cannot parse"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := check(tc.policy)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Check() = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
