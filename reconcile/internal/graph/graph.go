package graph

import (
	"maps"
	"slices"
	"sort"
)

// Cycles returns each elementary cycle found by a depth-first walk, as
// the list of names along it, deterministically.
func Cycles(g map[string][]string) [][]string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var cycles [][]string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, d := range g[n] {
			switch color[d] {
			case white:
				if _, ok := g[d]; ok {
					visit(d)
				}
			case grey:
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == d {
						cycles = append(cycles, append([]string(nil), stack[i:]...))
						break
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, n := range slices.Sorted(maps.Keys(g)) {
		if color[n] == white {
			visit(n)
		}
	}
	return cycles
}

// Levels groups nodes so that every node's dependencies are in earlier
// levels; within a level nodes are independent. Dependencies outside g are
// ignored. g must be acyclic.
func Levels(g map[string][]string) [][]string {
	depth := map[string]int{}
	var d func(n string) int
	d = func(n string) int {
		if v, ok := depth[n]; ok {
			return v
		}
		depth[n] = 0 // guards against cycles
		m := 0
		for _, dep := range g[n] {
			if _, ok := g[dep]; ok {
				m = max(m, d(dep)+1)
			}
		}
		depth[n] = m
		return m
	}
	var out [][]string
	for _, n := range slices.Sorted(maps.Keys(g)) {
		l := d(n)
		for len(out) <= l {
			out = append(out, nil)
		}
		out[l] = append(out[l], n)
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out
}
