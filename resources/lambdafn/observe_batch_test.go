package lambdafn

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// batchFake holds functions f0..f(n-1) with "$LATEST" and published
// versions 1..i (f0 has none); "gone" does not exist; hidden functions
// exist but are missing from the listings. Its account listing shows
// every version of every function with FunctionVersion=ALL, the $LATEST
// ones without, pageSize a page.
func batchFake(n, pageSize int, hidden ...string) *fakeLambda {
	f := settledFake()
	f.getFunction = func(in *lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error) {
		name := aws.ToString(in.FunctionName)
		if name == "gone" {
			return nil, &types.ResourceNotFoundException{Message: aws.String("Function not found")}
		}
		return &lambda.GetFunctionOutput{
			Configuration: &types.FunctionConfiguration{FunctionName: in.FunctionName, FunctionArn: aws.String("arn:" + name)},
			Tags:          map[string]string{"n": name},
		}, nil
	}
	var all []types.FunctionConfiguration
	for i := range n {
		name := fmt.Sprintf("f%d", i)
		if contains(hidden, name) {
			continue
		}
		all = append(all, types.FunctionConfiguration{FunctionName: aws.String(name), Version: aws.String("$LATEST")})
		for v := 1; v <= i; v++ {
			all = append(all, types.FunctionConfiguration{FunctionName: aws.String(name), Version: aws.String(fmt.Sprint(v))})
		}
	}
	f.listFunctions = func(in *lambda.ListFunctionsInput) (*lambda.ListFunctionsOutput, error) {
		listed := all
		if in.FunctionVersion != types.FunctionVersionAll {
			listed = nil
			for _, c := range all {
				if aws.ToString(c.Version) == "$LATEST" {
					listed = append(listed, c)
				}
			}
		}
		start := 0
		fmt.Sscan(aws.ToString(in.Marker), &start)
		end := min(start+pageSize, len(listed))
		out := &lambda.ListFunctionsOutput{Functions: listed[start:end]}
		if end < len(listed) {
			out.NextMarker = aws.String(fmt.Sprint(end))
		}
		return out, nil
	}
	f.listVersionsByFunction = func(in *lambda.ListVersionsByFunctionInput) (*lambda.ListVersionsByFunctionOutput, error) {
		var out lambda.ListVersionsByFunctionOutput
		for _, c := range all {
			if aws.ToString(c.FunctionName) == aws.ToString(in.FunctionName) {
				out.Versions = append(out.Versions, c)
			}
		}
		if name := aws.ToString(in.FunctionName); contains(hidden, name) {
			out.Versions = []types.FunctionConfiguration{{Version: aws.String("$LATEST")}, {Version: aws.String("7")}}
		}
		return &out, nil
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestObserveBatch(t *testing.T) {
	requests := func(names ...string) []reconcile.ObserveRequest {
		var reqs []reconcile.ObserveRequest
		for _, n := range names {
			reqs = append(reqs, reconcile.ObserveRequest{Name: n, ID: n})
		}
		// A function whose name is not known yet is absent, with no call.
		return append(reqs, reconcile.ObserveRequest{Name: "later", Desired: spec.Props{"name": spec.Unknown{Ref: "x.name"}}})
	}
	cases := map[string]struct {
		api          *fakeLambda
		names        []string
		wantVersions map[string]string // by name; absent ones are missing
		wantCalls    map[string]int
	}{
		// The strategy (issue 14): two reads a function whatever the
		// account holds; the account-wide version listing is never read.
		"five functions and one gone in an account of 5": {
			api:          batchFake(5, 4),
			names:        []string{"f0", "f1", "f2", "f3", "f4", "gone"},
			wantVersions: map[string]string{"f0": "", "f1": "1", "f2": "2", "f3": "3", "f4": "4"},
			wantCalls:    map[string]int{"GetFunction": 6, "ListVersionsByFunction": 6},
		},
		"two functions in an account of 500": {
			api:          batchFake(500, 50),
			names:        []string{"f0", "f1"},
			wantVersions: map[string]string{"f0": "", "f1": "1"},
			wantCalls:    map[string]int{"GetFunction": 2, "ListVersionsByFunction": 2},
		},
		"a function named twice is read once": {
			api:          batchFake(2, 50),
			names:        []string{"f1", "f1"},
			wantVersions: map[string]string{"f1": "1"},
			wantCalls:    map[string]int{"GetFunction": 1, "ListVersionsByFunction": 1},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			reqs := requests(tc.names...)
			obs, err := NewWithAPI(tc.api).ObserveBatch(context.Background(), reqs)
			if err != nil {
				t.Fatal(err)
			}
			if len(obs) != len(reqs) {
				t.Fatalf("%d observations for %d requests", len(obs), len(reqs))
			}
			got := map[string]string{}
			for i, ob := range obs {
				if !ob.Exists {
					continue
				}
				if ob.ID != reqs[i].ID || ob.Props["tags"].(map[string]any)["n"] != reqs[i].ID {
					t.Errorf("request %d (%s) answered with %s", i, reqs[i].ID, ob.ID)
				}
				got[ob.ID] = ob.Attrs["version"]
			}
			if d := cmp.Diff(tc.wantVersions, got); d != "" {
				t.Errorf("versions (-want +got):\n%s", d)
			}
			calls := map[string]int{}
			for _, c := range tc.api.calls.List() {
				calls[c]++
			}
			if d := cmp.Diff(tc.wantCalls, calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
		})
	}
}

// TestObserveBatchMatchesObserve: a batch reads what Observe reads.
func TestObserveBatchMatchesObserve(t *testing.T) {
	api := batchFake(6, 50)
	k := NewWithAPI(api)
	var reqs []reconcile.ObserveRequest
	for i := range 6 {
		reqs = append(reqs, reconcile.ObserveRequest{Name: "x", ID: fmt.Sprintf("f%d", i), Desired: spec.Props{"publish": i%2 == 0}})
	}
	batch, err := k.ObserveBatch(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range reqs {
		one, err := k.Observe(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(one, batch[i]); d != "" {
			t.Errorf("%s: Observe vs ObserveBatch (-one +batch):\n%s", r.ID, d)
		}
	}
}
