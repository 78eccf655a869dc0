package critpath

import (
	"fmt"
	"sort"
	"time"
)

// Op is one operation of a walk, as measured.
type Op struct {
	Name string
	// Deps are the operations that had to finish before this one could
	// start; names that are not ops of the walk (resources with nothing to
	// do) are ignored.
	Deps []string
	// Start is when the operation started, Duration how long it took.
	Start    time.Time
	Duration time.Duration
}

func (o Op) end() time.Time { return o.Start.Add(o.Duration) }

// Path is the critical path of a walk.
type Path struct {
	// Ops are the operations of the path, first to last.
	Ops []Op
	// Sum is the sum of their durations.
	Sum time.Duration
}

// Analysis is what a finished walk shows.
type Analysis struct {
	Critical Path
	// Wall is from the first start to the last end.
	Wall time.Duration
	// Work is the sum of every operation's duration.
	Work time.Duration
	// Waits is, per operation, the time between the end of its last
	// dependency (or the walk's start, for one without) and its own start:
	// none of it is needed by the graph.
	Waits map[string]time.Duration
}

// Analyze finds the critical path of ops. It fails on a dependency cycle,
// which a walk that finished cannot have had.
func Analyze(ops []Op) (Analysis, error) {
	byName := make(map[string]Op, len(ops))
	for _, o := range ops {
		byName[o.Name] = o
	}
	// longest[n] is the heaviest chain ending with n, computed depth first
	// with the usual three colours to catch a cycle.
	longest := map[string]time.Duration{}
	prev := map[string]string{}
	state := map[string]int{} // 0 new, 1 on the stack, 2 done
	var visit func(name string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("dependency cycle through %q", name)
		case 2:
			return nil
		}
		state[name] = 1
		o := byName[name]
		best, from := time.Duration(0), ""
		for _, d := range sortedDeps(o, byName) {
			if err := visit(d); err != nil {
				return err
			}
			if longest[d] > best {
				best, from = longest[d], d
			}
		}
		longest[name] = best + o.Duration
		prev[name] = from
		state[name] = 2
		return nil
	}
	names := make([]string, 0, len(ops))
	for _, o := range ops {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	var a Analysis
	if len(ops) == 0 {
		return a, nil
	}
	last := ""
	for _, n := range names {
		if err := visit(n); err != nil {
			return Analysis{}, err
		}
		if last == "" || longest[n] > longest[last] {
			last = n
		}
	}
	for n := last; n != ""; n = prev[n] {
		a.Critical.Ops = append([]Op{byName[n]}, a.Critical.Ops...)
	}
	a.Critical.Sum = longest[last]

	first, end := ops[0].Start, ops[0].end()
	for _, o := range ops {
		if o.Start.Before(first) {
			first = o.Start
		}
		if o.end().After(end) {
			end = o.end()
		}
		a.Work += o.Duration
	}
	a.Wall = end.Sub(first)
	a.Waits = make(map[string]time.Duration, len(ops))
	for _, o := range ops {
		ready := first
		for _, d := range sortedDeps(o, byName) {
			if e := byName[d].end(); e.After(ready) {
				ready = e
			}
		}
		a.Waits[o.Name] = max(0, o.Start.Sub(ready))
	}
	return a, nil
}

// sortedDeps are o's dependencies that are ops, in a fixed order so that
// ties between chains of equal weight always break the same way.
func sortedDeps(o Op, byName map[string]Op) []string {
	var ds []string
	for _, d := range o.Deps {
		if _, ok := byName[d]; ok {
			ds = append(ds, d)
		}
	}
	sort.Strings(ds)
	return ds
}
