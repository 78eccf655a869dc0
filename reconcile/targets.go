package reconcile

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// scope narrows a plan to PlanOptions.Targets, as Terraform's -target
// does: each target with what it depends on (it cannot be made without
// them), or for a destroy, with what depends on it (that must go first);
// a target only the state still knows (removed from the spec, so deleted)
// takes what depends on it too. Everything else is left out of the plan,
// never observed nor changed, and the plan names it (Plan.Excluded).
//
// The declared sets are collected before, over every node: a member left
// out of the plan is still a member, not drift of its parent.
func (pl *planner) scope() error {
	if len(pl.o.Targets) == 0 {
		return nil
	}
	byLogical := map[string][]string{} // a type change gives two nodes
	for name := range pl.nodes {
		byLogical[logicalName(name)] = append(byLogical[logicalName(name)], name)
	}
	edges := pl.edges()
	dependents := map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(edges)) {
		for _, d := range edges[name] {
			dependents[d] = append(dependents[d], name)
		}
	}
	in := map[string]bool{}
	var add func(name string, next map[string][]string)
	add = func(name string, next map[string][]string) {
		if in[name] || pl.nodes[name] == nil {
			return
		}
		in[name] = true
		for _, n := range next[name] {
			add(n, next)
		}
	}
	for _, t := range pl.o.Targets {
		names := byLogical[t]
		if len(names) == 0 {
			return fmt.Errorf("--target %s: no resource of the spec or the state is named %s%s", t, t, suggest(t, slices.Sorted(maps.Keys(byLogical))))
		}
		for _, name := range names {
			switch {
			case pl.o.Destroy:
				add(name, dependents)
			case pl.nodes[name].res == nil:
				add(name, dependents)
				add(name, edges)
			default:
				add(name, edges)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(pl.nodes)) {
		if !in[name] {
			if !slices.Contains(pl.p.Excluded, logicalName(name)) {
				pl.p.Excluded = append(pl.p.Excluded, logicalName(name))
			}
			delete(pl.nodes, name)
		}
	}
	pl.p.Targets = slices.Clone(pl.o.Targets)
	return nil
}

// checkReplace refuses a --replace that names nothing the plan can replace.
func (pl *planner) checkReplace() error {
	for _, r := range pl.o.Replace {
		n := pl.nodes[r]
		switch {
		case n == nil && slices.Contains(pl.p.Excluded, r):
			return fmt.Errorf("--replace %s: %s is outside the plan's --target scope; target it too", r, r)
		case n == nil:
			names := make([]string, 0, len(pl.nodes))
			for name := range pl.nodes {
				names = append(names, logicalName(name))
			}
			sort.Strings(names)
			return fmt.Errorf("--replace %s: no resource of the spec is named %s%s", r, r, suggest(r, slices.Compact(names)))
		case n.res == nil:
			return fmt.Errorf("--replace %s: %s is no longer in the spec, so the plan deletes it; there is nothing to replace", r, r)
		case n.res.Data:
			return fmt.Errorf("--replace %s: %s is a data source, read and never written by this stack", r, r)
		}
	}
	return nil
}

// forceReplace turns the change of a resource --replace names into a
// replacement when it exists and would otherwise stay or be updated in
// place (one being made is made anyway).
func (pl *planner) forceReplace(c *Change) {
	if !slices.Contains(pl.o.Replace, c.Name) || !c.Live.Exists || pl.o.Destroy {
		return
	}
	switch c.Action {
	case NoOp, Update, Import, Move:
		c.Action, c.Class, c.StateStale = Replace, ReplaceRequested, false
	}
}

// suggest names the closest of names to a mistyped one, "" if none is close.
func suggest(name string, names []string) string {
	if c := spec.Closest(name, names); c != "" {
		return fmt.Sprintf(" (did you mean %s?)", c)
	}
	return ""
}
