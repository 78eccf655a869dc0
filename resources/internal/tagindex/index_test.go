package tagindex

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// fakeTagging serves pages of a GetResources listing.
type fakeTagging struct {
	calls        atomic.Int32
	getResources func(*rgt.GetResourcesInput) (*rgt.GetResourcesOutput, error)
}

var _ API = (*fakeTagging)(nil)

func (f *fakeTagging) GetResources(_ context.Context, in *rgt.GetResourcesInput, _ ...func(*rgt.Options)) (*rgt.GetResourcesOutput, error) {
	f.calls.Add(1)
	return f.getResources(in)
}

func mapping(arn string, tags map[string]string) types.ResourceTagMapping {
	m := types.ResourceTagMapping{ResourceARN: aws.String(arn)}
	for k, v := range tags {
		m.Tags = append(m.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return m
}

// twoPages lists a in a first page and b in a second.
func twoPages(t *testing.T, a, b types.ResourceTagMapping) *fakeTagging {
	return &fakeTagging{getResources: func(in *rgt.GetResourcesInput) (*rgt.GetResourcesOutput, error) {
		if len(in.TagFilters) != 1 || aws.ToString(in.TagFilters[0].Key) != reconcile.TagStack ||
			!cmp.Equal(in.TagFilters[0].Values, []string{"trip/dev"}) {
			t.Errorf("tag filters %+v, want %s=trip/dev", in.TagFilters, reconcile.TagStack)
		}
		if aws.ToInt32(in.ResourcesPerPage) != 100 {
			t.Errorf("ResourcesPerPage %d, want 100", aws.ToInt32(in.ResourcesPerPage))
		}
		if aws.ToString(in.PaginationToken) == "" {
			return &rgt.GetResourcesOutput{ResourceTagMappingList: []types.ResourceTagMapping{a}, PaginationToken: aws.String("next")}, nil
		}
		return &rgt.GetResourcesOutput{ResourceTagMappingList: []types.ResourceTagMapping{b}}, nil
	}}
}

func desired(tags map[string]any) spec.Props { return spec.Props{"tags": tags} }

func TestConfirmOnlyExactlyEqualTags(t *testing.T) {
	owned := map[string]string{reconcile.TagStack: "trip/dev", reconcile.TagName: "p", "team": "a"}
	api := twoPages(t,
		mapping("arn:aws:ssm:us-east-2:1:parameter/p", owned),
		mapping("arn:aws:logs:us-east-2:1:log-group:/g:*", map[string]string{reconcile.TagStack: "trip/dev"}))
	x := NewWithAPI(api)
	ctx := context.Background()
	want := map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "p", "team": "a"}
	cases := map[string]struct {
		arn     string
		desired spec.Props
		ok      bool
	}{
		"equal":                  {"arn:aws:ssm:us-east-2:1:parameter/p", desired(want), true},
		"on the second page":     {"arn:aws:logs:us-east-2:1:log-group:/g", desired(map[string]any{reconcile.TagStack: "trip/dev"}), true},
		"value differs":          {"arn:aws:ssm:us-east-2:1:parameter/p", desired(map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "p", "team": "b"}), false},
		"index has a tag more":   {"arn:aws:ssm:us-east-2:1:parameter/p", desired(map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "p"}), false},
		"desired has a tag more": {"arn:aws:ssm:us-east-2:1:parameter/p", desired(map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "p", "team": "a", "x": "y"}), false},
		"not listed":             {"arn:aws:ssm:us-east-2:1:parameter/other", desired(want), false},
		"no desired props":       {"arn:aws:ssm:us-east-2:1:parameter/p", nil, false},
		"no stack tag":           {"arn:aws:ssm:us-east-2:1:parameter/p", desired(map[string]any{"team": "a"}), false},
		"unknown value":          {"arn:aws:ssm:us-east-2:1:parameter/p", desired(map[string]any{reconcile.TagStack: "trip/dev", reconcile.TagName: "p", "team": spec.Unknown{Ref: "x.y"}}), false},
		"no arn":                 {"", desired(want), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := x.Confirm(ctx, tc.arn, tc.desired)
			if ok != tc.ok {
				t.Fatalf("Confirm = %v, want %v", ok, tc.ok)
			}
			if ok {
				if diff := cmp.Diff(spec.ToStringMap(tc.desired["tags"]), got); diff != "" {
					t.Errorf("tags (-want +got):\n%s", diff)
				}
			}
		})
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("%d GetResources calls, want 2 (one listing of two pages for the run)", n)
	}
}

func TestConfirmListsOnceUnderConcurrency(t *testing.T) {
	api := twoPages(t,
		mapping("arn:a", map[string]string{reconcile.TagStack: "trip/dev"}),
		mapping("arn:b", map[string]string{reconcile.TagStack: "trip/dev"}))
	x := NewWithAPI(api)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, ok := x.Confirm(context.Background(), "arn:b", desired(map[string]any{reconcile.TagStack: "trip/dev"})); !ok {
				t.Error("arn:b not confirmed")
			}
		})
	}
	wg.Wait()
	if n := api.calls.Load(); n != 2 {
		t.Errorf("%d GetResources calls, want 2", n)
	}
}

func TestFailedListingConfirmsNothingAndIsNotRetried(t *testing.T) {
	api := &fakeTagging{getResources: func(*rgt.GetResourcesInput) (*rgt.GetResourcesOutput, error) {
		return nil, errors.New("AccessDeniedException")
	}}
	x := NewWithAPI(api)
	for range 3 {
		if _, ok := x.Confirm(context.Background(), "arn:a", desired(map[string]any{reconcile.TagStack: "trip/dev"})); ok {
			t.Error("confirmed after a failed listing")
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Errorf("%d GetResources calls, want 1 (the error is kept for the run)", n)
	}
}

func TestNilIndexConfirmsNothing(t *testing.T) {
	var x *Index
	if _, ok := x.Confirm(context.Background(), "arn:a", desired(map[string]any{reconcile.TagStack: "trip/dev"})); ok {
		t.Error("a nil index confirmed")
	}
}

func TestConfirmNeedsEveryRequestToAgree(t *testing.T) {
	x := NewWithAPI(twoPages(t,
		mapping("arn:a", map[string]string{reconcile.TagStack: "trip/dev", "k": "1"}),
		mapping("arn:b", nil)))
	ctx := context.Background()
	one := desired(map[string]any{reconcile.TagStack: "trip/dev", "k": "1"})
	other := desired(map[string]any{reconcile.TagStack: "trip/dev", "k": "2"})
	if _, ok := x.Confirm(ctx, "arn:a", one, one); !ok {
		t.Error("two agreeing requests not confirmed")
	}
	if _, ok := x.Confirm(ctx, "arn:a", one, other); ok {
		t.Error("confirmed although one request wants other tags")
	}
	if _, ok := x.Confirm(ctx, "arn:a"); ok {
		t.Error("confirmed without desired props")
	}
}

// TestResetListsAgain: a new plan (Reset) sees tags changed since the last
// listing, and a failed listing is retried.
func TestResetListsAgain(t *testing.T) {
	tags := map[string]string{reconcile.TagStack: "trip/dev", "team": "a"}
	var fail bool
	api := &fakeTagging{getResources: func(*rgt.GetResourcesInput) (*rgt.GetResourcesOutput, error) {
		if fail {
			return nil, errors.New("ThrottlingException")
		}
		return &rgt.GetResourcesOutput{ResourceTagMappingList: []types.ResourceTagMapping{mapping("arn:a", tags)}}, nil
	}}
	x := NewWithAPI(api)
	want := desired(map[string]any{reconcile.TagStack: "trip/dev", "team": "b"})
	if _, ok := x.Confirm(context.Background(), "arn:a", want); ok {
		t.Fatal("confirmed team=b while the listing says team=a")
	}
	tags["team"] = "b" // changed after the listing
	if _, ok := x.Confirm(context.Background(), "arn:a", want); ok {
		t.Error("confirmed from a fresh listing without Reset")
	}
	x.Reset()
	x.Reset() // every kind holding the index resets it
	if _, ok := x.Confirm(context.Background(), "arn:a", want); !ok {
		t.Error("not confirmed after Reset")
	}
	if n := api.calls.Load(); n != 2 {
		t.Errorf("%d GetResources calls, want 2 (one per plan)", n)
	}
	fail = true
	x.Reset()
	if _, ok := x.Confirm(context.Background(), "arn:a", want); ok {
		t.Error("confirmed when the listing failed")
	}
	var nilIndex *Index
	nilIndex.Reset() // no panic
}
