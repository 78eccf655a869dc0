package ssmparam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindtesting"
)

func desiredParam() spec.Props {
	return spec.Props{
		"name":  "/trip/dev/openai-key",
		"type":  "SecureString",
		"value": "sk-secret",
		"tags":  map[string]any{reconcile.TagStack: "trip/dev", "team": "core"},
	}
}

func TestCreateThenObserveHasNoDiff(t *testing.T) {
	ctx := context.Background()
	k := NewWithAPI(newMemSSM(map[string]*memParam{}))
	desired := desiredParam()
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	if obs.ID != "/trip/dev/openai-key" || !strings.HasSuffix(obs.Attrs["arn"], ":parameter/trip/dev/openai-key") || obs.Attrs["version"] != "1" {
		t.Errorf("unexpected observation %+v", obs)
	}
	again, err := k.Observe(ctx, reconcile.ObserveRequest{Name: "key", Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desired, again.Props, nil); len(d) > 0 {
		t.Errorf("diff after create: %v", d.Paths())
	}
	if again.Props["value"] != "sk-secret" {
		t.Errorf("Observe must return the decrypted value")
	}
}

func TestCreateAdoptsExisting(t *testing.T) {
	ctx := context.Background()
	params := map[string]*memParam{"/trip/dev/openai-key": {
		value: "old",
		meta:  types.ParameterMetadata{Name: aws.String("/trip/dev/openai-key"), Type: "String", Tier: "Standard", Description: aws.String("stale"), Version: 4},
		tags:  map[string]string{"team": "other", "stray": "x"},
	}}
	fake := newMemSSM(params)
	var puts []*ssm.PutParameterInput
	put := fake.putParameter
	fake.putParameter = func(in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
		puts = append(puts, in)
		return put(in)
	}
	k := NewWithAPI(fake)
	desired := desiredParam()
	if _, err := k.Create(ctx, desired); err != nil {
		t.Fatal(err)
	}
	if len(puts) != 2 || aws.ToBool(puts[0].Overwrite) || !aws.ToBool(puts[1].Overwrite) {
		t.Fatalf("want a put without then with overwrite, got %d puts", len(puts))
	}
	if len(puts[1].Tags) != 0 {
		t.Errorf("overwrite must not carry tags (AWS rejects it)")
	}
	want := map[string]string{reconcile.TagStack: "trip/dev", "team": "core"}
	if diff := cmp.Diff(want, params["/trip/dev/openai-key"].tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	got, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "/trip/dev/openai-key", Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desired, got.Props, nil); len(d) > 0 {
		t.Errorf("diff after adoption: %v", d.Paths())
	}
}

func TestUpdateCallsOnlyWhatChanged(t *testing.T) {
	cases := map[string]struct {
		change    func(spec.Props)
		wantCalls []string
	}{
		"value": {
			change:    func(p spec.Props) { p["value"] = "sk-new" },
			wantCalls: []string{"PutParameter"},
		},
		"description": {
			change:    func(p spec.Props) { p["description"] = "the key" },
			wantCalls: []string{"PutParameter"},
		},
		"tag added and one removed": {
			change:    func(p spec.Props) { p["tags"] = map[string]any{reconcile.TagStack: "trip/dev", "owner": "me"} },
			wantCalls: []string{"AddTagsToResource", "RemoveTagsFromResource"},
		},
		"value and tags": {
			change: func(p spec.Props) {
				p["value"] = "sk-new"
				p["tags"] = map[string]any{reconcile.TagStack: "trip/dev"}
			},
			wantCalls: []string{"PutParameter", "RemoveTagsFromResource"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			fake := newMemSSM(map[string]*memParam{})
			k := NewWithAPI(fake)
			if _, err := k.Create(ctx, desiredParam()); err != nil {
				t.Fatal(err)
			}
			live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: "/trip/dev/openai-key"})
			if err != nil {
				t.Fatal(err)
			}
			desired := desiredParam()
			tc.change(desired)
			kindtesting.UpdateWrites(t, k, desired, live, &fake.calls, writes, tc.wantCalls)
		})
	}
}

// writes drops the reads from calls.
func writes(calls []string) []string {
	return kindtesting.Writes(calls, "GetParameters", "DescribeParameters", "ListTagsForResource")
}

func TestDeleteTreatsNotFoundAsDone(t *testing.T) {
	fake := newMemSSM(nil)
	fake.deleteParameter = func(*ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error) {
		return nil, errors.New("AccessDenied")
	}
	kindtesting.DeleteTreatsNotFoundAsDone(t, NewWithAPI(newMemSSM(map[string]*memParam{})), NewWithAPI(fake), "parameter")
}

func TestErrorsNeverCarryTheValue(t *testing.T) {
	fake := newMemSSM(map[string]*memParam{})
	fake.putParameter = func(in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
		return nil, &types.ParameterMaxVersionLimitExceeded{Message: aws.String(fmt.Sprintf("Value '%s' at 'value' failed", aws.ToString(in.Value)))}
	}
	_, err := NewWithAPI(fake).Create(context.Background(), desiredParam())
	if err == nil || strings.Contains(err.Error(), "sk-secret") {
		t.Fatalf("error leaks the value or is missing: %v", err)
	}
	var limit *types.ParameterMaxVersionLimitExceeded
	if !errors.As(err, &limit) {
		t.Errorf("the typed AWS error must stay reachable: %v", err)
	}
}

func TestObserveBatch(t *testing.T) {
	ctx := context.Background()
	params := map[string]*memParam{}
	fake := newMemSSM(params)
	k := NewWithAPI(fake)
	var reqs []reconcile.ObserveRequest
	for i := range 12 {
		name := fmt.Sprintf("/trip/dev/p%02d", i)
		if i%3 != 0 { // p00, p03, p06, p09 stay missing
			if _, err := k.Create(ctx, spec.Props{"name": name, "value": "v" + name}); err != nil {
				t.Fatal(err)
			}
		}
		reqs = append(reqs, reconcile.ObserveRequest{ID: name})
	}
	reqs = append(reqs,
		reconcile.ObserveRequest{Desired: spec.Props{"name": "/trip/dev/p01"}},          // by desired name
		reconcile.ObserveRequest{Desired: spec.Props{"name": spec.Unknown{Ref: "x.y"}}}, // not derivable
	)
	fake.calls = nil
	obs, err := k.ObserveBatch(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != len(reqs) {
		t.Fatalf("got %d observations for %d requests", len(obs), len(reqs))
	}
	for i, o := range obs[:12] {
		if want := i%3 != 0; o.Exists != want {
			t.Errorf("p%02d: exists %v, want %v", i, o.Exists, want)
		}
		if o.Exists && o.Props["value"] != "v"+o.ID {
			t.Errorf("p%02d: wrong value", i)
		}
	}
	if !obs[12].Exists || obs[12].ID != "/trip/dev/p01" || obs[13].Exists {
		t.Errorf("unexpected observations for desired-only requests: %+v %+v", obs[12], obs[13])
	}
	count := map[string]int{}
	for _, c := range fake.calls {
		count[c]++
	}
	want := map[string]int{"GetParameters": 2, "DescribeParameters": 1, "ListTagsForResource": 8}
	if diff := cmp.Diff(want, count); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestKeyIDReportedOnlyWhenNamed(t *testing.T) {
	ctx := context.Background()
	k := NewWithAPI(newMemSSM(map[string]*memParam{}))
	desired := desiredParam()
	if _, err := k.Create(ctx, desired); err != nil {
		t.Fatal(err)
	}
	obs, err := k.Observe(ctx, reconcile.ObserveRequest{ID: desired.String("name"), Desired: desired})
	if err != nil {
		t.Fatal(err)
	}
	if obs.Props.Has("key_id") {
		t.Errorf("the AWS-managed key must not show when the spec names none: %v", obs.Props["key_id"])
	}
	desired["key_id"] = "alias/custom"
	if d := reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil); !d.Has("key_id") {
		t.Errorf("naming a key must be a diff, got %v", d.Paths())
	}
}

func TestCheckName(t *testing.T) {
	cases := map[string]bool{
		"plain":                                true,
		"/trip/dev/openai-key":                 true,
		"/a.b_c-d/e":                           true,
		"":                                     false,
		strings.Repeat("a", 1011):              true,
		strings.Repeat("a", 1012):              false,
		"no spaces":                            false,
		"trip/dev/key":                         false, // hierarchical without leading slash
		"/trip//key":                           false,
		"awsthing":                             false,
		"/AWS/thing":                           false,
		"/ssm/x":                               false,
		"SSMx":                                 false,
		"/trip/dev/":                           false,
		"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15": true,
		"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16": false,
	}
	for name, ok := range cases {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
	if CheckName(42) == nil {
		t.Error("a non-string must fail")
	}
}
