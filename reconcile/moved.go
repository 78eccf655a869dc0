package reconcile

import (
	"fmt"
	"slices"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// movedState returns state with the records the spec's moved: renames
// under their new names, and the old name of each by its new one. A
// record already under its new name is left alone (the move was applied);
// a rename that cannot be made is a plan error.
func movedState(sp *spec.Spec, state *State, p *Plan) (*State, map[string]string) {
	if len(sp.Moves) == 0 {
		return state, nil
	}
	out := state.Clone()
	moved := map[string]string{}
	for _, m := range sp.Moves {
		r, ok := out.Resources[m.From]
		if !ok {
			continue
		}
		if _, taken := out.Resources[m.To]; taken {
			p.Errors = append(p.Errors, fmt.Sprintf("moved: %s to %s: the state records both names; forget the one that is not the live resource with `reconcile state rm`, then plan again", m.From, m.To))
			continue
		}
		if want := sp.Resources[m.To].Type; r.Type != want {
			p.Errors = append(p.Errors, fmt.Sprintf("moved: %s to %s: the state records %s as a %s and the spec declares %s as a %s; a move cannot change a resource's type", m.From, m.To, m.From, r.Type, m.To, want))
			continue
		}
		delete(out.Resources, m.From)
		out.Resources[m.To] = r
		moved[m.To] = m.From
	}
	renameDeps(out, moved)
	return out, moved
}

// renameDeps makes every record's dependencies name the new names.
func renameDeps(s *State, moved map[string]string) {
	if len(moved) == 0 {
		return
	}
	from := make(map[string]string, len(moved))
	for to, f := range moved {
		from[f] = to
	}
	for name, r := range s.Resources {
		changed := false
		deps := slices.Clone(r.Deps)
		for i, d := range deps {
			if to, ok := from[d]; ok {
				deps[i], changed = to, true
			}
		}
		if changed {
			slices.Sort(deps)
			r.Deps = deps
			s.Resources[name] = r
		}
	}
}

// markMoved marks a change whose record a move renames: with nothing else
// to do, the change is the move itself.
func markMoved(c *Change, moved map[string]string) {
	from, ok := moved[c.Name]
	if !ok {
		return
	}
	c.MovedFrom = from
	if c.Action == NoOp && c.Live.Exists {
		c.Action, c.Class, c.StateStale = Move, Moved, false
	}
}

// movedRecords returns st with the records of the plan's moved changes
// under their new names, as the plan saw them.
func (p *Plan) movedRecords(st *State) *State {
	moved := map[string]string{}
	for _, c := range p.Changes {
		if c.MovedFrom != "" {
			moved[c.Name] = c.MovedFrom
		}
	}
	if len(moved) == 0 {
		return st
	}
	out := st.Clone()
	for to, from := range moved {
		if r, ok := out.Resources[from]; ok {
			delete(out.Resources, from)
			out.Resources[to] = r
		}
	}
	renameDeps(out, moved)
	return out
}

// tagName is the logical name a resource's reconcile:name tag carries: a
// resource renamed by moved: keeps the name it was tagged with, so the
// rename changes nothing in AWS while the moved: entry stays in the spec.
func tagName(sp *spec.Spec, name string) string {
	if from := sp.MovedFrom(name); from != "" {
		return from
	}
	return name
}
