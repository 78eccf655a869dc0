package graph

import (
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
			if diff := cmp.Diff(tc.want, Levels(tc.g)); diff != "" {
				t.Errorf("Levels() mismatch (-want +got):\n%s", diff)
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
			if diff := cmp.Diff(tc.want, Cycles(tc.g)); diff != "" {
				t.Errorf("Cycles() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
