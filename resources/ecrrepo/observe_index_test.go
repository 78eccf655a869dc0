package ecrrepo

import (
	"context"
	"maps"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/tagindex"
	"github.com/trip-assistant/stack/resources/internal/tagindex/tagindextest"
)

// The tag index may only confirm the desired tags (see ConfirmContract).
func TestObserveTrustsTheTagIndexOnlyWhenItEqualsTheSpec(t *testing.T) {
	desired := desiredRepo()
	tagindextest.ConfirmContract(t, repoARN(repoName), desired, func(t *testing.T, index tagindextest.Fake, live map[string]string) (reconcile.Kind, reconcile.ObserveRequest, func() int) {
		repos := map[string]*memRepo{}
		fake := newMemECR(repos)
		if _, err := NewWithAPI(fake).Create(context.Background(), desired); err != nil {
			t.Fatal(err)
		}
		repos[repoName].tags = maps.Clone(live)
		fake.calls = nil
		k := NewWithAPI(fake, WithTagIndex(tagindex.NewWithAPI(index)))
		return k, reconcile.ObserveRequest{Name: "repo", ID: repoName, Desired: desired},
			func() int { return tagindextest.Count(fake.calls, "ListTagsForResource") }
	})
}
