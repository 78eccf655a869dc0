package loggroup

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindtesting"
)

const groupName = "/aws/lambda/trip-api-dev"

func desiredGroup() spec.Props {
	return spec.Props{
		"name":           groupName,
		"retention_days": int64(14),
		"tags":           map[string]any{reconcile.TagStack: "trip/dev", "team": "core"},
	}
}

func TestCreateThenObserveHasNoDiff(t *testing.T) {
	ctx := context.Background()
	k := NewWithAPI(newMemLogs(map[string]*memGroup{}))
	obs, err := k.Create(ctx, desiredGroup())
	if err != nil {
		t.Fatal(err)
	}
	if want := testARNPrefix + groupName; obs.Attrs["arn"] != want {
		t.Errorf("arn = %q, want %q (without :*)", obs.Attrs["arn"], want)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desiredGroup(), obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after create: %v", d.Paths())
	}
}

func TestCreateAdoptsExisting(t *testing.T) {
	ctx := context.Background()
	groups := map[string]*memGroup{groupName: {tags: map[string]string{"stray": "x"}}} // made by Lambda: no retention
	fake := newMemLogs(groups)
	k := NewWithAPI(fake)
	obs, err := k.Create(ctx, desiredGroup())
	if err != nil {
		t.Fatal(err)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desiredGroup(), obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after adoption: %v", d.Paths())
	}
	if diff := cmp.Diff([]string{"CreateLogGroup", "PutRetentionPolicy", "TagResource", "UntagResource"}, writes(fake.calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestUpdateCallsOnlyWhatChanged(t *testing.T) {
	cases := map[string]struct {
		change    func(spec.Props)
		wantCalls []string
	}{
		"retention changed": {
			change:    func(p spec.Props) { p["retention_days"] = int64(30) },
			wantCalls: []string{"PutRetentionPolicy"},
		},
		"retention dropped from the spec": {
			change:    func(p spec.Props) { delete(p, "retention_days") },
			wantCalls: []string{"DeleteRetentionPolicy"},
		},
		"key added": {
			change:    func(p spec.Props) { p["kms_key_id"] = "arn:aws:kms:us-east-2:123456789012:key/k" },
			wantCalls: []string{"AssociateKmsKey"},
		},
		"tags": {
			change:    func(p spec.Props) { p["tags"] = map[string]any{reconcile.TagStack: "trip/dev", "owner": "me"} },
			wantCalls: []string{"TagResource", "UntagResource"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			fake := newMemLogs(map[string]*memGroup{})
			k := NewWithAPI(fake)
			live, err := k.Create(ctx, desiredGroup())
			if err != nil {
				t.Fatal(err)
			}
			desired := desiredGroup()
			tc.change(desired)
			kindtesting.UpdateWrites(t, k, desired, live, &fake.calls, writes, tc.wantCalls)
		})
	}
}

func TestRetentionSetInSpecButNotLiveIsADiff(t *testing.T) {
	k := NewWithAPI(nil)
	live := spec.Props{"name": groupName, "retention_days": int64(0), "tags": map[string]any{}}
	d := reconcile.ComputeDiff(k.Schema(), spec.Props{"name": groupName, "retention_days": int64(7)}, live, nil)
	if !d.Has("retention_days") {
		t.Errorf("want a retention diff, got %v", d.Paths())
	}
	if d := reconcile.ComputeDiff(k.Schema(), spec.Props{"name": groupName}, live, nil); d.Has("retention_days") {
		t.Errorf("unset on both sides must not differ")
	}
}

func writes(calls []string) []string {
	return kindtesting.Writes(calls, "DescribeLogGroups", "ListTagsForResource", "DescribeSubscriptionFilters")
}

func TestDeleteTreatsNotFoundAsDone(t *testing.T) {
	fake := newMemLogs(nil)
	fake.deleteLogGroup = func(*cloudwatchlogs.DeleteLogGroupInput) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
		return nil, errors.New("AccessDenied")
	}
	kindtesting.DeleteTreatsNotFoundAsDone(t, NewWithAPI(newMemLogs(map[string]*memGroup{})), NewWithAPI(fake), "group")
}

func TestObserveBatch(t *testing.T) {
	ctx := context.Background()
	groups := map[string]*memGroup{}
	for _, n := range []string{"/aws/lambda/trip-a", "/aws/lambda/trip-b", "/aws/lambda/trip-c", "/aws/lambda/trip-d", "/aws/lambda/trip-a-longer", "/other"} {
		groups[n] = &memGroup{tags: map[string]string{}}
	}
	cases := map[string]struct {
		names         []string
		wantExists    []bool
		wantDescribes int
	}{
		"shared prefix: one paginated listing": {
			names:         []string{"/aws/lambda/trip-a", "/aws/lambda/trip-missing", "/aws/lambda/trip-d"},
			wantExists:    []bool{true, false, true},
			wantDescribes: 3, // five groups under the prefix, two a page
		},
		"no useful prefix: one listing per name": {
			names:         []string{"/aws/lambda/trip-b", "/other", "/nope"},
			wantExists:    []bool{true, true, false},
			wantDescribes: 3,
		},
		"single name matches exactly, not by prefix": {
			names:         []string{"/aws/lambda/trip"},
			wantExists:    []bool{false},
			wantDescribes: 3, // the name is a prefix of five groups, all paged through
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fake := newMemLogs(groups)
			var reqs []reconcile.ObserveRequest
			for _, n := range tc.names {
				reqs = append(reqs, reconcile.ObserveRequest{ID: n})
			}
			obs, err := NewWithAPI(fake).ObserveBatch(ctx, reqs)
			if err != nil {
				t.Fatal(err)
			}
			var exists []bool
			for i, o := range obs {
				exists = append(exists, o.Exists)
				if o.Exists && (o.ID != tc.names[i] || strings.HasSuffix(o.Attrs["arn"], ":*")) {
					t.Errorf("%s: bad observation %+v", tc.names[i], o)
				}
			}
			if diff := cmp.Diff(tc.wantExists, exists); diff != "" {
				t.Errorf("exists (-want +got):\n%s", diff)
			}
			describes := 0
			for _, c := range fake.calls {
				if c == "DescribeLogGroups" {
					describes++
				}
			}
			if describes != tc.wantDescribes {
				t.Errorf("DescribeLogGroups called %d times, want %d", describes, tc.wantDescribes)
			}
		})
	}
}

func TestList(t *testing.T) {
	groups := map[string]*memGroup{"/aws/lambda/trip-a": {}, "/aws/lambda/trip-b": {}, "/aws/lambda/trip-c": {}, "/aws/lambda/x": {}}
	got, err := NewWithAPI(newMemLogs(groups)).List(context.Background(), "/aws/lambda/trip-")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/aws/lambda/trip-a", "/aws/lambda/trip-b", "/aws/lambda/trip-c"}, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestArnPrefersLogGroupArn(t *testing.T) {
	g := observation(groupFixture(), nil)
	if g.Attrs["arn"] != "arn:aws:logs:us-east-2:1:log-group:x" {
		t.Errorf("arn = %q", g.Attrs["arn"])
	}
}

func TestCheckName(t *testing.T) {
	cases := map[string]bool{
		"/aws/lambda/trip-api-dev": true,
		"a":                        true,
		"with#hash.and_under":      true,
		"":                         false,
		strings.Repeat("a", 512):   true,
		strings.Repeat("a", 513):   false,
		"has space":                false,
		"colon:":                   false,
	}
	for name, ok := range cases {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestCheckRetention(t *testing.T) {
	cases := map[any]bool{int64(14): true, int64(3653): true, 30: true, int64(0): true, int64(2): false, int64(4000): false, "14": false}
	for v, ok := range cases {
		if err := CheckRetention(v); (err == nil) != ok {
			t.Errorf("CheckRetention(%v) = %v, want ok=%v", v, err, ok)
		}
	}
}

func groupFixture() types.LogGroup {
	return types.LogGroup{
		LogGroupName: aws.String("x"),
		Arn:          aws.String("arn:aws:logs:us-east-2:1:log-group:x:*"),
		LogGroupArn:  aws.String("arn:aws:logs:us-east-2:1:log-group:x"),
	}
}
