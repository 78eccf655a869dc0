package loggroup

import (
	"context"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/internal/tagindex"
	"github.com/trip-assistant/stack/resources/internal/tagindex/tagindextest"
)

// The tag index may only confirm the desired tags (see ConfirmContract);
// it may list a group under its legacy ARN ending in ":*".
func TestObserveTrustsTheTagIndexOnlyWhenItEqualsTheSpec(t *testing.T) {
	const arn = testARNPrefix + groupName
	desired := desiredGroup()
	sp := spec.ToStringMap(desired["tags"])
	tagindextest.ConfirmContract(t, arn, desired, func(t *testing.T, index tagindextest.Fake, live map[string]string) (reconcile.Kind, reconcile.ObserveRequest, func() int) {
		groups := map[string]*memGroup{}
		fake := newMemLogs(groups)
		if _, err := NewWithAPI(fake).Create(context.Background(), desired); err != nil {
			t.Fatal(err)
		}
		groups[groupName].tags = live
		fake.calls = nil
		k := NewWithAPI(fake, WithTagIndex(tagindex.NewWithAPI(index)))
		return k, reconcile.ObserveRequest{Name: "logs", ID: groupName, Desired: desired},
			func() int { return tagindextest.Count(fake.calls, "ListTagsForResource") }
	}, tagindextest.ConfirmCase{
		Name:  "index lists the legacy arn with :*",
		Index: tagindextest.Fake{Listed: map[string]map[string]string{arn + ":*": sp}},
		Live:  sp,
	})
}
