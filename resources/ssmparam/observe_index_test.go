package ssmparam

import (
	"context"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/internal/tagindex"
	"github.com/trip-assistant/stack/resources/internal/tagindex/tagindextest"
)

// The tag index may only confirm the desired tags (see ConfirmContract).
func TestObserveTrustsTheTagIndexOnlyWhenItEqualsTheSpec(t *testing.T) {
	const name = "/trip/dev/openai-key"
	desired := desiredParam()
	tagindextest.ConfirmContract(t, "arn:aws:ssm:us-east-2:123456789012:parameter"+name, desired, func(t *testing.T, index tagindextest.Fake, live map[string]string) (reconcile.Kind, reconcile.ObserveRequest, func() int) {
		params := map[string]*memParam{}
		fake := newMemSSM(params)
		if _, err := NewWithAPI(fake).Create(context.Background(), desired); err != nil {
			t.Fatal(err)
		}
		params[name].tags = live
		fake.calls = nil
		k := NewWithAPI(fake, WithTagIndex(tagindex.NewWithAPI(index)))
		return k, reconcile.ObserveRequest{Name: "key", ID: name, Desired: desired},
			func() int { return tagindextest.Count(fake.calls, "ListTagsForResource") }
	})
}
