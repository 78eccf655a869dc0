package critpath

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// op starts at ms milliseconds after t0 and lasts d milliseconds.
func op(name string, start, d int, deps ...string) Op {
	return Op{Name: name, Deps: deps, Start: t0.Add(time.Duration(start) * time.Millisecond), Duration: time.Duration(d) * time.Millisecond}
}

func TestAnalyze(t *testing.T) {
	type want struct {
		Path  []string
		Sum   time.Duration
		Wall  time.Duration
		Work  time.Duration
		Waits map[string]time.Duration
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	cases := map[string]struct {
		ops  []Op
		want want
	}{
		"empty": {},
		"one op": {
			ops:  []Op{op("a", 0, 5)},
			want: want{Path: []string{"a"}, Sum: ms(5), Wall: ms(5), Work: ms(5), Waits: map[string]time.Duration{"a": 0}},
		},
		"a chain waits for nothing": {
			ops: []Op{op("role", 0, 10), op("policy", 10, 5, "role"), op("fn", 15, 20, "policy", "role")},
			want: want{Path: []string{"role", "policy", "fn"}, Sum: ms(35), Wall: ms(35), Work: ms(35),
				Waits: map[string]time.Duration{"role": 0, "policy": 0, "fn": 0}},
		},
		// The heavier branch of a diamond is the path, though the lighter
		// one has more ops; the walk started d 7 ms late.
		"diamond": {
			ops: []Op{
				op("a", 0, 10),
				op("b", 10, 100, "a"),
				op("c1", 10, 20, "a"), op("c2", 30, 20, "c1"),
				op("d", 117, 3, "b", "c2"),
			},
			want: want{Path: []string{"a", "b", "d"}, Sum: ms(113), Wall: ms(120), Work: ms(153),
				Waits: map[string]time.Duration{"a": 0, "b": 0, "c1": 0, "c2": 0, "d": ms(7)}},
		},
		// A dependency with nothing to do (not an op) does not count; an op
		// that started late with no dependency waited from the walk's start.
		"deps that are not ops": {
			ops: []Op{op("x", 0, 4, "no-op"), op("y", 2, 1)},
			want: want{Path: []string{"x"}, Sum: ms(4), Wall: ms(4), Work: ms(5),
				Waits: map[string]time.Duration{"x": 0, "y": ms(2)}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := Analyze(tc.ops)
			if err != nil {
				t.Fatal(err)
			}
			got := want{Sum: a.Critical.Sum, Wall: a.Wall, Work: a.Work, Waits: a.Waits}
			for _, o := range a.Critical.Ops {
				got.Path = append(got.Path, o.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("analysis (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnalyzeCycle(t *testing.T) {
	_, err := Analyze([]Op{op("a", 0, 1, "b"), op("b", 1, 1, "a")})
	if err == nil {
		t.Fatal("a cycle was accepted")
	}
}
