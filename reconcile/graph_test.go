package reconcile

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLevels(t *testing.T) {
	cases := map[string]struct {
		g    map[string][]string
		want [][]string
	}{
		"empty":       {g: map[string][]string{}, want: nil},
		"independent": {g: map[string][]string{"b": nil, "a": nil}, want: [][]string{{"a", "b"}}},
		"chain": {
			g:    map[string][]string{"alias": {"fn"}, "fn": {"role"}, "role": nil},
			want: [][]string{{"role"}, {"fn"}, {"alias"}},
		},
		"diamond": {
			g:    map[string][]string{"d": {"b", "c"}, "b": {"a"}, "c": {"a"}, "a": nil},
			want: [][]string{{"a"}, {"b", "c"}, {"d"}},
		},
		"a dependency outside the graph is ignored": {
			g:    map[string][]string{"fn": {"gone"}},
			want: [][]string{{"fn"}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, levels(tc.g)); diff != "" {
				t.Errorf("levels() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindCycles(t *testing.T) {
	cases := map[string]struct {
		g    map[string][]string
		want [][]string
	}{
		"none":      {g: map[string][]string{"a": {"b"}, "b": nil}},
		"two":       {g: map[string][]string{"a": {"b"}, "b": {"a"}}, want: [][]string{{"a", "b"}}},
		"self":      {g: map[string][]string{"a": {"a"}}, want: [][]string{{"a"}}},
		"three":     {g: map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, want: [][]string{{"a", "b", "c"}}},
		"two loops": {g: map[string][]string{"a": {"b"}, "b": {"a"}, "x": {"y"}, "y": {"x"}}, want: [][]string{{"a", "b"}, {"x", "y"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, findCycles(tc.g)); diff != "" {
				t.Errorf("findCycles() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReverse(t *testing.T) {
	got := reverse(map[string][]string{"fn": {"role"}, "alias": {"fn"}, "policy": {"role"}, "role": nil})
	want := map[string][]string{"role": {"fn", "policy"}, "fn": {"alias"}, "alias": nil, "policy": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reverse() mismatch (-want +got):\n%s", diff)
	}
}

// graphOf builds n nodes in groups of five, shaped like fakekind.GenerateSpec:
// each group a chain hanging off its first node.
func graphOf(n int) map[string][]string {
	g := make(map[string][]string, n)
	for i := range n {
		name := fmt.Sprintf("n%d", i)
		switch {
		case i%5 == 0:
			g[name] = nil
		case i%5 == 1:
			g[name] = []string{fmt.Sprintf("n%d", i-1)}
		default:
			g[name] = []string{fmt.Sprintf("n%d", i-i%5), fmt.Sprintf("n%d", i-1)}
		}
	}
	return g
}

func BenchmarkGraphLevels(b *testing.B) {
	g := graphOf(500)
	b.ReportAllocs()
	for b.Loop() {
		if len(findCycles(g)) != 0 {
			b.Fatal("cycle")
		}
		if l := levels(g); len(l) != 5 {
			b.Fatalf("%d levels, want 5", len(l))
		}
	}
}
