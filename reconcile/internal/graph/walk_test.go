package graph

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder keeps the order of visits and the skips a walk reports.
type recorder struct {
	mu      sync.Mutex
	order   []string
	skipped map[string]string
}

func (r *recorder) visit(fail ...string) func(string) error {
	return func(n string) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.order = append(r.order, n)
		if slices.Contains(fail, n) {
			return errors.New("boom")
		}
		return nil
	}
}

func (r *recorder) skip(n, blocker string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.skipped == nil {
		r.skipped = map[string]string{}
	}
	r.skipped[n] = blocker
}

func (r *recorder) before(a, b string) bool {
	return slices.Index(r.order, a) >= 0 && slices.Index(r.order, a) < slices.Index(r.order, b)
}

var diamond = map[string][]string{"d": {"b", "c"}, "b": {"a"}, "c": {"a"}, "a": nil}

func TestWalkOrder(t *testing.T) {
	cases := map[string]struct {
		reverse bool
		before  [][2]string
	}{
		"forward": {before: [][2]string{{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}}},
		"reverse": {reverse: true, before: [][2]string{{"d", "b"}, {"d", "c"}, {"b", "a"}, {"c", "a"}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for range 20 { // the order must hold however the goroutines run
				r := &recorder{}
				got := Walk(t.Context(), diamond, Options{Reverse: tc.reverse, Skip: r.skip}, r.visit())
				want := map[string]Outcome{"a": Visited, "b": Visited, "c": Visited, "d": Visited}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("Walk() outcomes mismatch (-want +got):\n%s", diff)
				}
				for _, p := range tc.before {
					if !r.before(p[0], p[1]) {
						t.Fatalf("visited %v: want %s before %s", r.order, p[0], p[1])
					}
				}
			}
		})
	}
}

func TestWalkSkipsWhatAFailureBlocks(t *testing.T) {
	g := map[string][]string{"role": nil, "fn": {"role"}, "alias": {"fn"}, "secret": nil, "old": {"gone"}}
	cases := map[string]struct {
		reverse     bool
		fail        string
		upstream    map[string]Outcome
		wantSkipped map[string]string
		wantOut     map[string]Outcome
	}{
		"forward: dependents, transitively": {
			fail:        "role",
			wantSkipped: map[string]string{"fn": "role", "alias": "fn"},
			wantOut:     map[string]Outcome{"role": Failed, "fn": Skipped, "alias": Skipped, "secret": Visited, "old": Visited},
		},
		"reverse: what it depends on": {
			reverse:     true,
			fail:        "alias",
			wantSkipped: map[string]string{"fn": "alias", "role": "fn"},
			wantOut:     map[string]Outcome{"role": Skipped, "fn": Skipped, "alias": Failed, "secret": Visited, "old": Visited},
		},
		"an upstream failure blocks too": {
			upstream:    map[string]Outcome{"gone": Failed},
			wantSkipped: map[string]string{"old": "gone"},
			wantOut:     map[string]Outcome{"role": Visited, "fn": Visited, "alias": Visited, "secret": Visited, "old": Skipped},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			got := Walk(t.Context(), g, Options{Reverse: tc.reverse, Upstream: tc.upstream, Skip: r.skip}, r.visit(tc.fail))
			if diff := cmp.Diff(tc.wantOut, got); diff != "" {
				t.Errorf("Walk() outcomes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantSkipped, r.skipped); diff != "" {
				t.Errorf("skips mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWalkStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	g := map[string][]string{"a": nil, "b": nil, "c": nil, "d": nil}
	r := &recorder{}
	visits := 0
	got := Walk(ctx, g, Options{Limit: 1, Skip: r.skip}, func(string) error {
		visits++ // Limit 1: never concurrent
		cancel()
		return nil
	})
	if visits != 1 {
		t.Errorf("%d visits after the context was cancelled by the first, want 1", visits)
	}
	for n, blocker := range r.skipped {
		if blocker != "" || got[n] != Skipped {
			t.Errorf("%s: skipped with blocker %q, outcome %v; want blocker \"\" and Skipped", n, blocker, got[n])
		}
	}
	if len(r.skipped) != 3 {
		t.Errorf("skipped %v, want the 3 nodes not visited", r.skipped)
	}
}

func TestWalkLimit(t *testing.T) {
	g := map[string][]string{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		g[n] = nil
	}
	var mu sync.Mutex
	running, most := 0, 0
	release := make(chan struct{})
	go func() {
		// Let the walk fill its slots before anything returns, so a bound
		// that did not hold would show.
		for range len(g) {
			release <- struct{}{}
		}
	}()
	Walk(t.Context(), g, Options{Limit: 3}, func(string) error {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	if most < 1 || most > 3 {
		t.Errorf("at most %d visits ran at once, want 1..3", most)
	}
}
