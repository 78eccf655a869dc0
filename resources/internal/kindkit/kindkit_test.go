package kindkit

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

type tag struct{ K, V string }

func mk(k, v *string) tag           { return tag{*k, *v} }
func kv(t tag) (key, value *string) { return &t.K, &t.V }

func TestTagsRoundTripSorted(t *testing.T) {
	m := map[string]string{"b": "2", "a": "1", "c": ""}
	list := TagList(m, mk)
	if d := cmp.Diff([]tag{{"a", "1"}, {"b", "2"}, {"c", ""}}, list); d != "" {
		t.Errorf("TagList (-want +got):\n%s", d)
	}
	if d := cmp.Diff(m, TagMap(list, kv)); d != "" {
		t.Errorf("TagMap (-want +got):\n%s", d)
	}
}

func TestTagListEmpty(t *testing.T) {
	if l := TagList(map[string]string{}, mk); l == nil || len(l) != 0 {
		t.Errorf("TagList(empty) = %#v, want an empty non-nil list", l)
	}
	if l := TagListOrNil(map[string]string{}, mk); l != nil {
		t.Errorf("TagListOrNil(empty) = %#v, want nil", l)
	}
	if d := cmp.Diff([]tag{{"k", "v"}}, TagListOrNil(map[string]string{"k": "v"}, mk)); d != "" {
		t.Errorf("TagListOrNil (-want +got):\n%s", d)
	}
}

func TestSets(t *testing.T) {
	for _, c := range []struct {
		a, b  []string
		minus []string
		same  bool
	}{
		{a: nil, b: nil, same: true},
		{a: []string{"x", "y"}, b: []string{"y", "x"}, same: true},
		{a: []string{"x", "y", "z"}, b: []string{"y"}, minus: []string{"x", "z"}},
		{a: []string{"x"}, b: []string{"x", "y"}},
	} {
		if d := cmp.Diff(c.minus, Minus(c.a, c.b)); d != "" {
			t.Errorf("Minus(%v, %v) (-want +got):\n%s", c.a, c.b, d)
		}
		if got := SameSet(c.a, c.b); got != c.same {
			t.Errorf("SameSet(%v, %v) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

func TestMergedKeepsLiveAndTakesChanged(t *testing.T) {
	live := reconcile.Observation{Exists: true, Props: spec.Props{"a": "old", "b": "live"}}
	got := Merged(live, spec.Props{"a": "new", "b": "desired", "c": "added"}, func(f string) bool { return f != "b" })
	if d := cmp.Diff(spec.Props{"a": "new", "b": "live", "c": "added"}, got.Props); d != "" {
		t.Errorf("Merged (-want +got):\n%s", d)
	}
	if !got.Exists || live.Props["a"] != "old" {
		t.Errorf("Merged changed live or lost its fields: %+v, live %+v", got, live)
	}
}

func TestStringOr(t *testing.T) {
	p := spec.Props{"set": "v", "empty": ""}
	for key, want := range map[string]string{"set": "v", "empty": "def", "absent": "def"} {
		if got := StringOr(p, key, "def"); got != want {
			t.Errorf("StringOr(%q) = %q, want %q", key, got, want)
		}
	}
}

type notFound struct{}

func (*notFound) Error() string { return "not found" }

func TestIs(t *testing.T) {
	if !Is[*notFound](fmt.Errorf("reading: %w", &notFound{})) {
		t.Error("Is missed a wrapped error of the type")
	}
	if Is[*notFound](errors.New("other")) || Is[*notFound](nil) {
		t.Error("Is matched an error of another type")
	}
}

func TestOne(t *testing.T) {
	id := func(s string) string { return "id-" + s }
	tooMany := func(n int, ids string) error { return fmt.Errorf("%d: %s", n, ids) }
	if got, err := One([]string{}, id, tooMany); got != nil || err != nil {
		t.Errorf("One(none) = %v, %v; want nil, nil", got, err)
	}
	if got, err := One([]string{"a"}, id, tooMany); err != nil || got == nil || *got != "a" {
		t.Errorf("One(a) = %v, %v; want a", got, err)
	}
	if _, err := One([]string{"a", "b"}, id, tooMany); err == nil || err.Error() != "2: id-a, id-b" {
		t.Errorf("One(a, b) error = %v, want \"2: id-a, id-b\"", err)
	}
}
