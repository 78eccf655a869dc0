package tagindextest

import (
	"errors"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// ConfirmCase is one case of ConfirmContract: the tag index lists Index,
// the service itself holds Live; the kind must make ListTags
// ListTagsForResource calls and its observation differ from the spec at
// Diff.
type ConfirmCase struct {
	Name     string
	Index    Fake
	Live     map[string]string
	ListTags int
	Diff     []string
}

// Setup builds one case of ConfirmContract: the kind's resource exists
// with live as the tags its service holds, and the kind reads tags through
// a tag index listing index (tagindex.NewWithAPI(index)). It returns the
// kind, the request observing the resource with the spec's desired props,
// and a count of the kind's own ListTagsForResource calls since Setup.
type Setup func(t *testing.T, index Fake, live map[string]string) (k reconcile.Kind, req reconcile.ObserveRequest, listTags func() int)

// ConfirmContract checks a kind's use of the tag index: the index may only
// confirm the desired tags. Whenever it disagrees with the spec, lacks the
// resource or failed, the kind reads the tags with ListTagsForResource, so
// a stale index can neither invent nor hide drift. arn is the resource's
// ARN, desired its spec (with tags, among them reconcile.TagStack); extra
// adds the kind's own cases.
func ConfirmContract(t *testing.T, arn string, desired spec.Props, setup Setup, extra ...ConfirmCase) {
	sp := spec.ToStringMap(desired["tags"])
	if sp[reconcile.TagStack] == "" {
		t.Fatalf("desired tags %v lack %s", sp, reconcile.TagStack)
	}
	stackOnly := map[string]string{reconcile.TagStack: sp[reconcile.TagStack]}
	drifted := maps.Clone(sp)
	drifted["changed-by"] = "hand"
	cases := append([]ConfirmCase{
		{Name: "index equals the spec", Index: Fake{Listed: map[string]map[string]string{arn: sp}}, Live: sp},
		{Name: "index says other tags, live matches the spec (index lags)", Index: Fake{Listed: map[string]map[string]string{arn: stackOnly}}, Live: sp, ListTags: 1},
		{Name: "index and live both drifted", Index: Fake{Listed: map[string]map[string]string{arn: drifted}}, Live: drifted, ListTags: 1, Diff: []string{"tags"}},
		{Name: "index lacks the resource", Index: Fake{Listed: map[string]map[string]string{}}, Live: sp, ListTags: 1},
		{Name: "index failed", Index: Fake{Err: errors.New("AccessDeniedException")}, Live: stackOnly, ListTags: 1, Diff: []string{"tags"}},
	}, extra...)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			k, req, listTags := setup(t, tc.Index, maps.Clone(tc.Live))
			obs, err := k.Observe(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if n := listTags(); n != tc.ListTags {
				t.Errorf("%d ListTagsForResource calls, want %d", n, tc.ListTags)
			}
			got := reconcile.ComputeDiff(k.Schema(), req.Desired, obs.Props, nil).Paths()
			if diff := cmp.Diff(tc.Diff, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("diff paths (-want +got):\n%s", diff)
			}
		})
	}
}

// Count returns how many of calls are op.
func Count(calls []string, op string) int {
	n := 0
	for _, c := range calls {
		if c == op {
			n++
		}
	}
	return n
}
