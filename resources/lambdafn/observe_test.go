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

func TestObserve(t *testing.T) {
	f := settledFake()
	pages := map[string]*lambda.ListVersionsByFunctionOutput{
		"": {NextMarker: aws.String("p2"), Versions: []types.FunctionConfiguration{
			{Version: aws.String("$LATEST")}, {Version: aws.String("9")}, {Version: aws.String("10")},
		}},
		"p2": {Versions: []types.FunctionConfiguration{{Version: aws.String("2")}}},
	}
	f.listVersionsByFunction = func(in *lambda.ListVersionsByFunctionInput) (*lambda.ListVersionsByFunctionOutput, error) {
		return pages[aws.ToString(in.Marker)], nil
	}
	got, err := NewWithAPI(f).Observe(context.Background(), reconcile.ObserveRequest{
		Name: "agent", ID: "fn", Desired: spec.Props{"publish": false},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := reconcile.Observation{
		Exists: true,
		ID:     "fn",
		Props: spec.Props{
			"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "package_type": "Image",
			"image_uri": "repo:v1", "architectures": []any{"x86_64"}, "memory_size": int64(128),
			"timeout": int64(3), "environment": map[string]any{}, "description": "",
			"publish": false, "tags": map[string]any{"old": "x", "keep": "k"},
			"permissions": []any{}, "function_url": "none",
		},
		Attrs: map[string]string{"arn": testARN, "name": "fn", "version": "10"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Observe (-want +got):\n%s", d)
	}
}

func TestObserveAbsent(t *testing.T) {
	cases := map[string]struct {
		req reconcile.ObserveRequest
		api *fakeLambda
	}{
		"not found": {
			req: reconcile.ObserveRequest{ID: "fn"},
			api: &fakeLambda{getFunction: func(*lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error) {
				return nil, &types.ResourceNotFoundException{Message: aws.String("Function not found")}
			}},
		},
		"name not known yet: no call": {
			req: reconcile.ObserveRequest{Desired: spec.Props{"name": spec.Unknown{Ref: "x.name"}}},
			api: &fakeLambda{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := NewWithAPI(tc.api).Observe(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Exists {
				t.Errorf("Observe = %+v, want absent", got)
			}
		})
	}
}

func TestList(t *testing.T) {
	f := &fakeLambda{listFunctions: func(in *lambda.ListFunctionsInput) (*lambda.ListFunctionsOutput, error) {
		if in.Marker == nil {
			return &lambda.ListFunctionsOutput{NextMarker: aws.String("m"), Functions: []types.FunctionConfiguration{
				{FunctionName: aws.String("trip-api-dev")}, {FunctionName: aws.String("other")},
			}}, nil
		}
		return &lambda.ListFunctionsOutput{Functions: []types.FunctionConfiguration{{FunctionName: aws.String("trip-agent-dev")}}}, nil
	}}
	got, err := NewWithAPI(f).List(context.Background(), "trip-")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"trip-api-dev", "trip-agent-dev"}, got); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}
}

func TestSchemaChecks(t *testing.T) {
	s := NewWithAPI(&fakeLambda{}).Schema()
	cases := map[string]struct {
		field string
		value any
		ok    bool
	}{
		"name ok":           {"name", "trip-assistant_api-dev", true},
		"name with a dot":   {"name", "a.b", false},
		"name too long":     {"name", string(make([]byte, 65)), false},
		"memory too small":  {"memory_size", int64(64), false},
		"memory ok":         {"memory_size", int64(1024), true},
		"timeout too long":  {"timeout", int64(901), false},
		"two architectures": {"architectures", []any{"x86_64", "arm64"}, false},
		"arm64":             {"architectures", []any{"arm64"}, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := s[tc.field].Check(tc.value)
			if (err == nil) != tc.ok {
				t.Errorf("Check(%v) = %v, want ok=%v", tc.value, err, tc.ok)
			}
		})
	}
}
