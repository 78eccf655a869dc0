package batch

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

func TestGroup(t *testing.T) {
	reqs := []reconcile.ObserveRequest{
		{Name: "a", Desired: reconcile.Props{"name": "x"}},
		{Name: "b", Desired: reconcile.Props{"name": ""}},
		{Name: "c", Desired: reconcile.Props{"name": "y"}},
		{Name: "d", Desired: reconcile.Props{"name": "x", "v": int64(2)}},
	}
	got := Group(reqs, func(r reconcile.ObserveRequest) string { return r.Desired.String("name") })
	want := Requests{
		Names:  []string{"x", "", "y", "x"},
		Unique: []string{"x", "y"},
		Desired: map[string][]reconcile.Props{
			"x": {{"name": "x"}, {"name": "x", "v": int64(2)}},
			"y": {{"name": "y"}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Group (-want +got):\n%s", diff)
	}
}
