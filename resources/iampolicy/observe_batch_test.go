package iampolicy

import (
	"context"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// fakeIndex lists the inline policies in listed ("role:name" to the
// URL-encoded document), as resources/internal/iamindex would.
type fakeIndex struct{ listed map[string]string }

var _ Index = fakeIndex{}

func (fakeIndex) Reset() {}

func (f fakeIndex) InlinePolicy(_ context.Context, role, policy string, _ int) (string, bool) {
	doc, ok := f.listed[ID(role, policy)]
	return doc, ok
}

func TestObserveBatchReadsListedPoliciesFromTheIndex(t *testing.T) {
	getRolePolicy := func(in *iam.GetRolePolicyInput) (*iam.GetRolePolicyOutput, error) {
		if aws.ToString(in.RoleName) == "gone" {
			return nil, &types.NoSuchEntityException{Message: aws.String("gone")}
		}
		return &iam.GetRolePolicyOutput{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: aws.String(url.PathEscape(stored))}, nil
	}
	listed := map[string]string{}
	for _, id := range []string{"a:p", "b:p", "c:p"} {
		listed[id] = url.PathEscape(stored)
	}
	reqs := []reconcile.ObserveRequest{
		{Name: "a", ID: "a:p"}, {Name: "b", ID: "b:p"},
		{Name: "c", Desired: spec.Props{"role": "c", "name": "p", "policy": desiredPolicy}},
		{Name: "d", ID: "new:p"},  // made since the listing: read on its own
		{Name: "e", ID: "gone:p"}, // not listed and absent
		{Name: "f", Desired: spec.Props{"role": spec.Unknown{Ref: "x.y"}, "name": "p"}},
	}
	cases := map[string]struct {
		reqs          []reconcile.ObserveRequest
		getRolePolicy int
	}{
		"batch served by the index": {reqs, 2},
		"batch of two":              {reqs[:2], 0},
		"lone policy":               {reqs[:1], 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeIAM{getRolePolicy: getRolePolicy}
			got, err := NewWithAPI(f, WithIndex(fakeIndex{listed})).ObserveBatch(context.Background(), tc.reqs)
			if err != nil {
				t.Fatal(err)
			}
			plain := NewWithAPI(&fakeIAM{getRolePolicy: getRolePolicy})
			for i, r := range tc.reqs {
				want, err := plain.Observe(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got[i]); diff != "" {
					t.Errorf("%s (-Observe +ObserveBatch):\n%s", r.Name, diff)
				}
			}
			if len(f.calls) != tc.getRolePolicy {
				t.Errorf("calls %v, want %d GetRolePolicy", f.calls, tc.getRolePolicy)
			}
		})
	}
}
