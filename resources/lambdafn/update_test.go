package lambdafn

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

const testARN = "arn:aws:lambda:us-east-2:123456789012:function:fn"

// settledFake is a function that exists, is active and settles at once.
func settledFake() *fakeLambda {
	return &fakeLambda{
		getFunction: func(*lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error) {
			return &lambda.GetFunctionOutput{
				Configuration: &types.FunctionConfiguration{
					FunctionName:     aws.String("fn"),
					FunctionArn:      aws.String(testARN),
					Role:             aws.String("arn:aws:iam::123456789012:role/r"),
					PackageType:      types.PackageTypeImage,
					Architectures:    []types.Architecture{types.ArchitectureX8664},
					MemorySize:       aws.Int32(128),
					Timeout:          aws.Int32(3),
					State:            types.StateActive,
					LastUpdateStatus: types.LastUpdateStatusSuccessful,
				},
				Code: &types.FunctionCodeLocation{ImageUri: aws.String("repo:v1")},
				Tags: map[string]string{"old": "x", "keep": "k"},
			}, nil
		},
		getFunctionConfiguration: func(*lambda.GetFunctionConfigurationInput) (*lambda.GetFunctionConfigurationOutput, error) {
			return &lambda.GetFunctionConfigurationOutput{State: types.StateActive}, nil
		},
		listVersionsByFunction: func(*lambda.ListVersionsByFunctionInput) (*lambda.ListVersionsByFunctionOutput, error) {
			return &lambda.ListVersionsByFunctionOutput{Versions: []types.FunctionConfiguration{
				{Version: aws.String("$LATEST")}, {Version: aws.String("1")},
			}}, nil
		},
		updateFunctionConfiguration: func(*lambda.UpdateFunctionConfigurationInput) (*lambda.UpdateFunctionConfigurationOutput, error) {
			return &lambda.UpdateFunctionConfigurationOutput{}, nil
		},
		updateFunctionCode: func(*lambda.UpdateFunctionCodeInput) (*lambda.UpdateFunctionCodeOutput, error) {
			return &lambda.UpdateFunctionCodeOutput{}, nil
		},
		publishVersion: func(*lambda.PublishVersionInput) (*lambda.PublishVersionOutput, error) {
			return &lambda.PublishVersionOutput{Version: aws.String("2")}, nil
		},
		tagResource: func(*lambda.TagResourceInput) (*lambda.TagResourceOutput, error) {
			return &lambda.TagResourceOutput{}, nil
		},
		untagResource: func(*lambda.UntagResourceInput) (*lambda.UntagResourceOutput, error) {
			return &lambda.UntagResourceOutput{}, nil
		},
	}
}

func TestUpdateCallsOnlyWhatTheDiffNeedsInOrder(t *testing.T) {
	// The trailing GetFunction + ListVersionsByFunction is the final
	// observation; a GetFunction right after an update is the
	// FunctionUpdatedV2 waiter, a GetFunctionConfiguration after
	// PublishVersion the PublishedVersionActive waiter.
	observe := []string{"GetFunction", "ListVersionsByFunction"}
	cases := map[string]struct {
		diff    []string
		publish bool
		want    []string
	}{
		"configuration, then code, then a version": {
			diff: []string{"environment", "image_uri", "memory_size"}, publish: true,
			want: append([]string{
				"UpdateFunctionConfiguration", "GetFunction",
				"UpdateFunctionCode", "GetFunction",
				"PublishVersion", "GetFunctionConfiguration",
			}, observe...),
		},
		"image not in the diff: the code is never touched": {
			diff: []string{"memory_size"}, publish: true,
			want: append([]string{
				"UpdateFunctionConfiguration", "GetFunction",
				"PublishVersion", "GetFunctionConfiguration",
			}, observe...),
		},
		"image only, managed by the spec": {
			diff: []string{"image_uri"}, publish: true,
			want: append([]string{
				"UpdateFunctionCode", "GetFunction",
				"PublishVersion", "GetFunctionConfiguration",
			}, observe...),
		},
		"publish off: no version": {
			diff: []string{"timeout"}, publish: false,
			want: append([]string{"UpdateFunctionConfiguration", "GetFunction"}, observe...),
		},
		"tags only: no configuration change, no version": {
			diff: []string{"tags"}, publish: true,
			want: append([]string{"UntagResource", "TagResource"}, observe...),
		},
		"publish itself never calls anything": {
			diff: []string{"publish"}, publish: true,
			want: observe,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := settledFake()
			var gotConfig *lambda.UpdateFunctionConfigurationInput
			f.updateFunctionConfiguration = func(in *lambda.UpdateFunctionConfigurationInput) (*lambda.UpdateFunctionConfigurationOutput, error) {
				gotConfig = in
				return &lambda.UpdateFunctionConfigurationOutput{}, nil
			}
			k := NewWithAPI(f)
			var diff reconcile.Diff
			for _, p := range tc.diff {
				diff = append(diff, reconcile.FieldDiff{Path: p})
			}
			live, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: "fn"})
			if err != nil {
				t.Fatal(err)
			}
			f.calls.Reset()
			obs, err := k.Update(context.Background(), reconcile.UpdateRequest{
				ID: "fn",
				Desired: spec.Props{
					"name": "fn", "memory_size": int64(512), "timeout": int64(30),
					"environment": map[string]any{"A": "1"}, "image_uri": "repo:v2",
					"publish": tc.publish, "tags": map[string]any{"keep": "k", "new": "n"},
				},
				Live: live,
				Diff: diff,
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, f.calls.List()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if obs.Props["publish"] != tc.publish {
				t.Errorf("publish reported as %v, want the desired %v", obs.Props["publish"], tc.publish)
			}
			if gotConfig != nil && tc.diff[0] == "memory_size" {
				want := &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("fn"), MemorySize: aws.Int32(512)}
				if d := cmp.Diff(want, gotConfig, cmpopts.IgnoreUnexported(lambda.UpdateFunctionConfigurationInput{})); d != "" {
					t.Errorf("UpdateFunctionConfiguration sends only the changed fields (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestUpdateTagsSetsAndRemoves(t *testing.T) {
	f := settledFake()
	var set map[string]string
	var removed []string
	f.tagResource = func(in *lambda.TagResourceInput) (*lambda.TagResourceOutput, error) {
		set = in.Tags
		return &lambda.TagResourceOutput{}, nil
	}
	f.untagResource = func(in *lambda.UntagResourceInput) (*lambda.UntagResourceOutput, error) {
		removed = in.TagKeys
		return &lambda.UntagResourceOutput{}, nil
	}
	k := NewWithAPI(f)
	live, err := k.Observe(context.Background(), reconcile.ObserveRequest{ID: "fn"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Update(context.Background(), reconcile.UpdateRequest{
		ID:      "fn",
		Desired: spec.Props{"name": "fn", "tags": map[string]any{"keep": "k", "new": "n"}},
		Live:    live,
		Diff:    reconcile.Diff{{Path: "tags"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"new": "n"}, set); d != "" {
		t.Errorf("tags set (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"old"}, removed); d != "" {
		t.Errorf("tags removed (-want +got):\n%s", d)
	}
}

// The engine diffs an unset field against its Default; Update must then set
// the Default, not a zero.
func TestUpdateSendsTheDefaultOfAnUnsetField(t *testing.T) {
	f := settledFake()
	var got *lambda.UpdateFunctionConfigurationInput
	f.updateFunctionConfiguration = func(in *lambda.UpdateFunctionConfigurationInput) (*lambda.UpdateFunctionConfigurationOutput, error) {
		got = in
		return &lambda.UpdateFunctionConfigurationOutput{}, nil
	}
	k := NewWithAPI(f)
	desired := spec.Props{"name": "fn", "role": "arn:aws:iam::123456789012:role/r"}
	live := spec.Props{
		"name": "fn", "role": "arn:aws:iam::123456789012:role/r", "package_type": "Image",
		"architectures": []any{"x86_64"}, "memory_size": int64(512), "timeout": int64(3), "publish": true,
		"function_url": "none",
	}
	diff := reconcile.ComputeDiff(k.Schema(), desired, live, nil)
	if d := cmp.Diff([]string{"memory_size"}, diff.Paths()); d != "" {
		t.Fatalf("diff (-want +got):\n%s", d)
	}
	if _, err := k.Update(context.Background(), reconcile.UpdateRequest{ID: "fn", Desired: desired, Diff: diff}); err != nil {
		t.Fatal(err)
	}
	if got == nil || aws.ToInt32(got.MemorySize) != 128 {
		t.Errorf("UpdateFunctionConfiguration = %+v, want MemorySize 128", got)
	}
}
