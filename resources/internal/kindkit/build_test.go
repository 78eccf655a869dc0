package kindkit

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

type built struct{ steps []string }

type builtOption func(*built)

func TestBuildAppliesOptionsInOrder(t *testing.T) {
	step := func(s string) builtOption { return func(b *built) { b.steps = append(b.steps, s) } }
	got := Build(&built{}, []builtOption{step("a"), step("b")})
	if diff := cmp.Diff([]string{"a", "b"}, got.steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

type countingIndex struct{ resets int }

func (c *countingIndex) Reset() { c.resets++ }

// A kind's index field is an interface of its own: nil when the kind was
// built without one.
type kindIndex interface{ Reset() }

func TestResetIndex(t *testing.T) {
	var none kindIndex
	ResetIndex(none) // no index: nothing to drop, no panic
	x := &countingIndex{}
	var some kindIndex = x
	ResetIndex(some)
	if x.resets != 1 {
		t.Errorf("resets = %d, want 1", x.resets)
	}
}
