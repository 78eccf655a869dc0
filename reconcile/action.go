package reconcile

import (
	"slices"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// actionFor is the one decision between leaving a resource alone,
// updating it in place and replacing it, made by plan and again by apply
// once the values a dependency produced are known: the fields that differ
// decide.
func actionFor(d Diff) Action {
	if len(d) == 0 {
		return NoOp
	}
	for _, f := range d {
		if f.ForceNew {
			return Replace
		}
	}
	return Update
}

// diffFor compares a spec resource's desired props with the live ones,
// with the fields the spec ignores or takes back as it says.
func diffFor(schema spec.Schema, r *spec.Resource, desired, live spec.Props, specChanged bool, notCompared []string) Diff {
	ignore := r.Ignore
	if len(notCompared) > 0 {
		ignore = append(slices.Clone(ignore), notCompared...)
	}
	return computeDiff(schema, desired, live, diffOptions{Ignore: ignore, Manage: r.Manage, SpecChanged: specChanged})
}

// planChange decides the action and class of one resource.
func planChange(n *node, desired spec.Props, live Observation, destroy bool) *Change {
	c := &Change{Name: n.name, Type: n.kind.Type(), Desired: desired, Live: live, InSpec: n.res != nil, Deps: n.deps}
	defer func() {
		// The plan keeps no secret: what it read and wants of a
		// sensitive field stays only as a digest.
		schema := n.kind.Schema()
		c.Desired, c.Live.Props = redact(schema, c.Desired), redact(schema, c.Live.Props)
	}()
	if n.state != nil {
		c.ID = n.state.ID
		c.Protect = n.state.Protect
	}
	if n.res != nil {
		c.Protect = c.Protect || n.res.Protect
	}
	if live.Exists && live.ID != "" {
		c.ID = live.ID
	}
	if n.res != nil && n.res.Data {
		// Read, never written; a record of it (a resource the spec now
		// only reads) is dropped, AWS untouched.
		c.Action, c.Data, c.StateStale = NoOp, true, n.state != nil
		return c
	}
	defer func() { c.StateStale = stateStale(n, c) }()
	switch {
	case n.res == nil || destroy:
		if !live.Exists {
			c.Action = NoOp
			if n.state != nil {
				// Gone already: only the record remains, dropped by apply.
				c.Action, c.Class = Delete, RemovedFromSpec
				if destroy {
					c.Class = Destroying
				}
			}
			return c
		}
		c.Action = Delete
		c.Class = RemovedFromSpec
		if destroy {
			c.Class = Destroying
		}
		if n.name != logicalName(n.name) {
			c.Class = SpecChanged
		}
		return c
	}
	c.NotCompared = n.notCompared
	switch {
	case !live.Exists:
		c.Action = Create
		c.Class = NewInSpec
		if n.state != nil {
			c.Class = DeletedOutOfBand
		}
		return c
	}
	schema := n.kind.Schema()
	adopting := n.state == nil || imported(n.state)
	specChanged := !adopting && !sameSpec(n.state.Digest, n.digest, schema, desired)
	skip := notComparedPaths(n.notCompared)
	c.Diff = diffFor(schema, n.res, desired, live.Props, specChanged || adopting, skip)
	c.Action = actionFor(c.Diff)
	if c.Action == NoOp {
		if n.state == nil {
			c.Action, c.Class = Import, Adopted
		}
		return c
	}
	switch {
	case adopting:
		c.Class = Adopted
	case specChanged:
		c.Class = SpecChanged
	case hasUnknown(withoutPaths(desired, skip)):
		// The spec is as applied, but a dependency is being made or
		// changed: the value it will give is not known yet.
		c.Class = DependencyChanged
	default:
		// The spec and its inputs are as applied: AWS changed, by hand
		// or because a value a reference reads moved.
		c.Class = OutOfBand
	}
	return c
}

// stateStale reports whether the state's record of a resource that apply
// leaves alone is out of date (protect or dependencies changed, the spec
// changed to what already exists, or it is not recorded at all).
func stateStale(n *node, c *Change) bool {
	if c.Action != NoOp || n.res == nil || !c.Live.Exists {
		return false
	}
	if n.state == nil {
		return true
	}
	// Without the values of unset inputs the digest cannot be told: only
	// an apply with every input set records it.
	digestMoved := n.state.Digest != n.digest && len(n.notCompared) == 0
	return n.state.Protect != c.Protect || !slices.Equal(n.state.Deps, c.Deps) || n.state.ID != c.ID || digestMoved
}
