package batch

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func TestGroup(t *testing.T) {
	reqs := []reconcile.ObserveRequest{
		{Name: "a", Desired: spec.Props{"name": "x"}},
		{Name: "b", Desired: spec.Props{"name": ""}},
		{Name: "c", Desired: spec.Props{"name": "y"}},
		{Name: "d", Desired: spec.Props{"name": "x", "v": int64(2)}},
	}
	got := Group(reqs, func(r reconcile.ObserveRequest) string { return r.Desired.String("name") })
	want := Requests{
		Names:  []string{"x", "", "y", "x"},
		Unique: []string{"x", "y"},
		Desired: map[string][]spec.Props{
			"x": {{"name": "x"}, {"name": "x", "v": int64(2)}},
			"y": {{"name": "y"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Group (-want +got):\n%s", diff)
	}
}
