package ecrrepo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/kindtesting"
)

const repoName = "trip-assistant/api"

// policy is a lifecycle policy as the spec decoder gives it (ints as int64).
func policy(count int64) map[string]any {
	return map[string]any{"rules": []any{
		map[string]any{
			"rulePriority": int64(2),
			"description":  "expire untagged",
			"selection":    map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": int64(7)},
			"action":       map[string]any{"type": "expire"},
		},
		map[string]any{
			"rulePriority": int64(1),
			"description":  "keep the last releases",
			"selection":    map[string]any{"tagStatus": "tagged", "tagPrefixList": []any{"v", "release"}, "countType": "imageCountMoreThan", "countNumber": count},
			"action":       map[string]any{"type": "expire"},
		},
	}}
}

func desiredRepo() spec.Props {
	return spec.Props{
		"name":             repoName,
		"lifecycle_policy": policy(10),
		"tags":             map[string]any{reconcile.TagStack: "trip/dev", "team": "core"},
	}
}

func TestLifecyclePolicyEqual(t *testing.T) {
	// As ECR hands it back: rules by priority, tag prefixes reordered.
	stored := `{"rules":[{"rulePriority":1,"description":"keep the last releases","selection":{"tagStatus":"tagged","tagPrefixList":["release","v"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},` +
		`{"rulePriority":2,"description":"expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}`
	live, err := decodePolicy(stored)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		want, got any
		equal     bool
	}{
		"reordered rules and tag lists":   {policy(10), live, true},
		"JSON text against object":        {stored, policy(10), true},
		"changed count":                   {policy(20), live, false},
		"rule removed":                    {map[string]any{"rules": policy(10)["rules"].([]any)[:1]}, live, false},
		"no policy on both sides":         {map[string]any{}, nil, true},
		"policy against none":             {policy(10), nil, false},
		"none against policy":             {map[string]any{}, live, false},
		"changed priority":                {map[string]any{"rules": []any{map[string]any{"rulePriority": int64(3), "selection": map[string]any{}, "action": map[string]any{"type": "expire"}}}}, map[string]any{"rules": []any{map[string]any{"rulePriority": int64(4), "selection": map[string]any{}, "action": map[string]any{"type": "expire"}}}}, false},
		"float and int of the same count": {map[string]any{"rules": []any{map[string]any{"rulePriority": 1.0}}}, map[string]any{"rules": []any{map[string]any{"rulePriority": int64(1)}}}, true},
	}
	for name, tc := range cases {
		if got := LifecyclePolicyEqual(tc.want, tc.got); got != tc.equal {
			t.Errorf("%s: LifecyclePolicyEqual = %v, want %v", name, got, tc.equal)
		}
	}
}

func TestCheckLifecyclePolicy(t *testing.T) {
	cases := map[string]struct {
		v  any
		ok bool
	}{
		"object":      {policy(1), true},
		"JSON text":   {`{"rules":[{"rulePriority":1}]}`, true},
		"empty: none": {map[string]any{}, true},
		"no rules":    {map[string]any{"x": 1}, false},
		"bad rule":    {map[string]any{"rules": []any{"x"}}, false},
		"a list":      {[]any{1}, false},
		"bad JSON":    {`{"rules":`, false},
	}
	for name, tc := range cases {
		if err := CheckLifecyclePolicy(tc.v); (err == nil) != tc.ok {
			t.Errorf("%s: CheckLifecyclePolicy = %v, want ok=%v", name, err, tc.ok)
		}
	}
}

func TestCreateThenObserveHasNoDiff(t *testing.T) {
	ctx := context.Background()
	k := NewWithAPI(newMemECR(map[string]*memRepo{}))
	obs, err := k.Create(ctx, desiredRepo())
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs := map[string]string{
		"arn": repoARN(repoName), "name": repoName, "registry_id": testRegistry,
		"url": testRegistry + ".dkr.ecr.us-east-2.amazonaws.com/" + repoName,
	}
	if diff := cmp.Diff(wantAttrs, obs.Attrs); diff != "" {
		t.Errorf("attrs (-want +got):\n%s", diff)
	}
	if obs.ID != repoName {
		t.Errorf("ID = %q", obs.ID)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desiredRepo(), obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after create: %v", d.Paths())
	}
	if _, ok := obs.Props["lifecycle_policy"].(map[string]any)["rules"].([]any)[0].(map[string]any)["rulePriority"].(int64); !ok {
		t.Errorf("observed policy numbers must be int64: %#v", obs.Props["lifecycle_policy"])
	}
}

func TestCreateAdoptsExisting(t *testing.T) {
	ctx := context.Background()
	repos := map[string]*memRepo{repoName: {mutability: "IMMUTABLE", scan: true, tags: map[string]string{"stray": "x"}}}
	fake := newMemECR(repos)
	k := NewWithAPI(fake)
	desired := desiredRepo()
	desired["force_delete"] = true
	obs, err := k.Create(ctx, desired)
	if err != nil {
		t.Fatal(err)
	}
	if obs.ID != repoName+";force" {
		t.Errorf("ID = %q, want the force suffix", obs.ID)
	}
	if d := reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil); len(d) > 0 {
		t.Errorf("diff after adoption: %v", d.Paths())
	}
	want := []string{"CreateRepository", "PutImageTagMutability", "PutImageScanningConfiguration", "PutLifecyclePolicy", "TagResource", "UntagResource"}
	if diff := cmp.Diff(want, writes(fake.calls)); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestUpdateCallsOnlyWhatChanged(t *testing.T) {
	cases := map[string]struct {
		change    func(spec.Props)
		wantCalls []string
		wantID    string
	}{
		"mutability": {
			change:    func(p spec.Props) { p["image_tag_mutability"] = "IMMUTABLE" },
			wantCalls: []string{"PutImageTagMutability"},
		},
		"scan on push": {
			change:    func(p spec.Props) { p["scan_on_push"] = true },
			wantCalls: []string{"PutImageScanningConfiguration"},
		},
		"lifecycle count": {
			change:    func(p spec.Props) { p["lifecycle_policy"] = policy(30) },
			wantCalls: []string{"PutLifecyclePolicy"},
		},
		"lifecycle reordered only": {
			change: func(p spec.Props) {
				rules := policy(10)["rules"].([]any)
				p["lifecycle_policy"] = map[string]any{"rules": []any{rules[1], rules[0]}}
			},
		},
		"lifecycle dropped from the spec": {
			change:    func(p spec.Props) { delete(p, "lifecycle_policy") },
			wantCalls: []string{"DeleteLifecyclePolicy"},
		},
		"tags": {
			change:    func(p spec.Props) { p["tags"] = map[string]any{reconcile.TagStack: "trip/dev", "owner": "me"} },
			wantCalls: []string{"TagResource", "UntagResource"},
		},
		"force_delete only changes the ID": {
			change: func(p spec.Props) { p["force_delete"] = true },
			wantID: repoName + ";force",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			fake := newMemECR(map[string]*memRepo{})
			k := NewWithAPI(fake)
			created, err := k.Create(ctx, desiredRepo())
			if err != nil {
				t.Fatal(err)
			}
			desired := desiredRepo()
			tc.change(desired)
			live, err := k.Observe(ctx, reconcile.ObserveRequest{ID: created.ID, Desired: desired})
			if err != nil {
				t.Fatal(err)
			}
			diff := reconcile.ComputeDiff(k.Schema(), desired, live.Props, nil)
			if len(diff) == 0 {
				if tc.wantCalls != nil || tc.wantID != "" {
					t.Fatal("no diff")
				}
				return
			}
			fake.calls = nil
			obs, err := k.Update(ctx, reconcile.UpdateRequest{ID: created.ID, Desired: desired, Live: live, Diff: diff})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantCalls, writes(fake.calls)); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			wantID := tc.wantID
			if wantID == "" {
				wantID = repoName
			}
			if obs.ID != wantID {
				t.Errorf("ID = %q, want %q", obs.ID, wantID)
			}
			// The next run observes by the new ID and must see no diff.
			again, err := k.Observe(ctx, reconcile.ObserveRequest{ID: obs.ID, Desired: desired})
			if err != nil {
				t.Fatal(err)
			}
			if d := reconcile.ComputeDiff(k.Schema(), desired, again.Props, nil); len(d) > 0 {
				t.Errorf("diff after update: %v", d.Paths())
			}
		})
	}
}

func writes(calls []string) []string {
	return kindtesting.Writes(calls, "DescribeRepositories", "GetLifecyclePolicy", "GetRepositoryPolicy", "ListTagsForResource")
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	repos := map[string]*memRepo{"full": {images: true}, "full2": {images: true}}
	k := NewWithAPI(newMemECR(repos))
	if err := k.Delete(ctx, "gone"); err != nil {
		t.Errorf("deleting an absent repository: %v", err)
	}
	var notEmpty *types.RepositoryNotEmptyException
	if err := k.Delete(ctx, "full"); !errors.As(err, &notEmpty) {
		t.Errorf("without force a repository with images must stay: %v", err)
	}
	if err := k.Delete(ctx, "full2;force"); err != nil {
		t.Errorf("with force: %v", err)
	}
	if _, ok := repos["full2"]; ok {
		t.Error("forced delete left the repository")
	}
}

func TestObserveBatchFallsBackPerName(t *testing.T) {
	ctx := context.Background()
	repos := map[string]*memRepo{"a": {tags: map[string]string{}}, "c": {tags: map[string]string{}, policy: `{"rules":[]}`}}
	fake := newMemECR(repos)
	reqs := []reconcile.ObserveRequest{
		{ID: "a"},
		{ID: "b;force"},
		{Desired: spec.Props{"name": "c", "force_delete": true}},
		{Desired: spec.Props{"name": spec.Unknown{Ref: "x.name"}}},
	}
	obs, err := NewWithAPI(fake).ObserveBatch(ctx, reqs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range obs {
		got = append(got, o.ID)
	}
	if diff := cmp.Diff([]string{"a", "", "c;force", ""}, got); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	if obs[2].Props["force_delete"] != true {
		t.Error("force_delete must come from the desired props when there is no ID")
	}
	describes := 0
	for _, c := range fake.calls {
		if c == "DescribeRepositories" {
			describes++
		}
	}
	if describes != 4 { // the batch, then a, b, c on their own
		t.Errorf("DescribeRepositories called %d times, want 4", describes)
	}

	fake.calls = nil
	if _, err := NewWithAPI(fake).ObserveBatch(ctx, reqs[:1]); err != nil {
		t.Fatal(err)
	}
	fake.calls = nil
	if _, err := NewWithAPI(fake).ObserveBatch(ctx, []reconcile.ObserveRequest{{ID: "a"}, {ID: "c"}}); err != nil {
		t.Fatal(err)
	}
	if fake.calls[0] != "DescribeRepositories" || strings.Count(strings.Join(fake.calls, " "), "DescribeRepositories") != 1 {
		t.Errorf("all present: one DescribeRepositories, got %v", fake.calls)
	}
}

func TestObserveTreatsEmptyListAsAbsent(t *testing.T) {
	fake := newMemECR(map[string]*memRepo{})
	fake.describeRepositories = func(*ecr.DescribeRepositoriesInput) (*ecr.DescribeRepositoriesOutput, error) {
		return &ecr.DescribeRepositoriesOutput{}, nil // kumo's answer for a missing name
	}
	obs, err := NewWithAPI(fake).Observe(context.Background(), reconcile.ObserveRequest{ID: "x"})
	if err != nil || obs.Exists {
		t.Errorf("want absent, got %+v, %v", obs, err)
	}
}

func TestList(t *testing.T) {
	repos := map[string]*memRepo{"trip-a": {}, "trip-b": {}, "other": {}}
	got, err := NewWithAPI(newMemECR(repos)).List(context.Background(), "trip-")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"trip-a", "trip-b"}, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
}

func TestCheckName(t *testing.T) {
	cases := map[string]bool{
		"trip-assistant":         true,
		"trip-assistant/api":     true,
		"a.b_c-d/e/f":            true,
		"ab":                     true,
		"a":                      false,
		strings.Repeat("a", 256): true,
		strings.Repeat("a", 257): false,
		"Upper":                  false,
		"double--dash":           false,
		"-lead":                  false,
		"trail/":                 false,
		"/lead":                  false,
		"a//b":                   false,
		"with space":             false,
	}
	for name, ok := range cases {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestParseID(t *testing.T) {
	for id, want := range map[string]struct {
		name  string
		force bool
	}{"a/b": {"a/b", false}, "a/b;force": {"a/b", true}} {
		n, f := parseID(id)
		if n != want.name || f != want.force || idFor(n, f) != id {
			t.Errorf("parseID(%q) = %q, %v", id, n, f)
		}
	}
}
