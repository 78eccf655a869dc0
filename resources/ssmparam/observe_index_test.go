package ssmparam

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/internal/tagindex"
	"github.com/trip-assistant/stack/internal/tagindex/tagindextest"
	"github.com/trip-assistant/stack/reconcile"
)

// The tag index may only confirm the desired tags: whenever it disagrees
// with the spec, lacks the parameter or failed, the tags are read with
// ListTagsForResource, so a stale index can neither invent nor hide drift.
func TestObserveTrustsTheTagIndexOnlyWhenItEqualsTheSpec(t *testing.T) {
	const arn = "arn:aws:ssm:us-east-2:123456789012:parameter/trip/dev/openai-key"
	spec := map[string]string{reconcile.TagStack: "trip/dev", "team": "core"}
	cases := map[string]struct {
		index    tagindextest.Fake
		live     map[string]string // what SSM itself holds
		listTags int
		diff     []string
	}{
		"index equals the spec": {
			index: tagindextest.Fake{Listed: map[string]map[string]string{arn: spec}},
			live:  spec, listTags: 0,
		},
		"index says other tags, live matches the spec (index lags)": {
			index: tagindextest.Fake{Listed: map[string]map[string]string{arn: {reconcile.TagStack: "trip/dev", "team": "old"}}},
			live:  spec, listTags: 1,
		},
		"index and live both drifted": {
			index: tagindextest.Fake{Listed: map[string]map[string]string{arn: {reconcile.TagStack: "trip/dev", "team": "ops"}}},
			live:  map[string]string{reconcile.TagStack: "trip/dev", "team": "ops"}, listTags: 1, diff: []string{"tags"},
		},
		"index lacks the parameter": {
			index: tagindextest.Fake{Listed: map[string]map[string]string{}},
			live:  spec, listTags: 1,
		},
		"index failed": {
			index: tagindextest.Fake{Err: errors.New("AccessDeniedException")},
			live:  map[string]string{reconcile.TagStack: "trip/dev"}, listTags: 1, diff: []string{"tags"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			params := map[string]*memParam{}
			fake := newMemSSM(params)
			desired := desiredParam()
			if _, err := NewWithAPI(fake).Create(ctx, desired); err != nil {
				t.Fatal(err)
			}
			params["/trip/dev/openai-key"].tags = maps.Clone(tc.live)
			k := NewWithAPI(fake, WithTagIndex(tagindex.NewWithAPI(tc.index)))
			fake.calls = nil
			obs, err := k.Observe(ctx, reconcile.ObserveRequest{Name: "key", ID: "/trip/dev/openai-key", Desired: desired})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range fake.calls {
				if c == "ListTagsForResource" {
					n++
				}
			}
			if n != tc.listTags {
				t.Errorf("%d ListTagsForResource calls, want %d", n, tc.listTags)
			}
			if diff := cmp.Diff(tc.diff, reconcile.ComputeDiff(k.Schema(), desired, obs.Props, nil).Paths(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("diff paths (-want +got):\n%s", diff)
			}
		})
	}
}
