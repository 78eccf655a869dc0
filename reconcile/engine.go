package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trip-assistant/stack/reconcile/internal/graph"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// AttrsChangedByUpdate is implemented by kinds whose attributes can change
// when the resource is updated in place (a function publishes a new
// version): dependents see those attributes as known only after apply.
type AttrsChangedByUpdate interface {
	AttrsChangedByUpdate() []string
}

// Engine plans and applies a spec against AWS through its kinds.
type Engine struct {
	// Kinds by type name: every type a spec or a state may name.
	Kinds map[string]Kind
	Store StateStore
	// Parallelism bounds concurrent AWS operations (default 10).
	Parallelism int
	// Events receives progress; it must be safe for concurrent use.
	Events func(Event)
}

// EventPhase is a step of one resource's progress.
type EventPhase string

const (
	Started   EventPhase = "started"
	Succeeded EventPhase = "succeeded"
	Failed    EventPhase = "failed"
	Skipped   EventPhase = "skipped"
)

// Event reports progress on one resource.
type Event struct {
	Phase   EventPhase
	Name    string
	Type    string
	Action  Action
	Elapsed time.Duration
	Err     error
}

func (e *Engine) emit(ev Event) {
	if e.Events != nil {
		e.Events(ev)
	}
}

func (e *Engine) parallelism() int {
	if e.Parallelism <= 0 {
		return 10
	}
	return e.Parallelism
}

// oldTypeSuffix names the plan's node for a resource whose type changed in
// the spec: the record of the old type is deleted under it while the new
// type is made under the logical name.
const oldTypeSuffix = "#old"

// logicalName is the name in the spec and the state of a plan node.
func logicalName(node string) string { return strings.TrimSuffix(node, oldTypeSuffix) }

// node is one resource during planning: from the spec, the state or both.
type node struct {
	name  string
	res   *spec.Resource // nil when removed from the spec
	state *StateResource // nil when not in the state
	kind  Kind
	deps  []string
	// digest is specDigest of res: what the state records once applied.
	digest string
	// notCompared are the fields of res whose inputs are unset.
	notCompared []NotCompared
}

// PlanOptions tune planning.
type PlanOptions struct {
	Destroy bool
	// Targets narrow the plan to these resources and what they need
	// (Terraform's -target); empty plans everything.
	Targets []string
	// Replace names resources to replace even where nothing forces it
	// (Terraform's -replace).
	Replace []string
	// SkipUnmanaged leaves out the unmanaged report: for the kinds whose
	// API filters no names it lists the account, which in a busy account
	// costs more than the stack's own reads. The plan says it was skipped.
	SkipUnmanaged bool
}

// Plan observes every resource, in dependency order and in parallel, and
// computes what apply would do. It changes nothing.
func (e *Engine) Plan(ctx context.Context, sp *spec.Spec, state *State, o PlanOptions) (*Plan, error) {
	e.beginPlan()
	pl := &planner{e: e, sp: sp, state: state, o: o, attrs: newAttributes(), changes: map[string]*Change{}}
	pl.p = &Plan{FormatVersion: FormatVersion, Stack: sp.Project + "/" + sp.Environment, Region: sp.Region, Destroy: o.Destroy, Outputs: map[string]any{}, SpecDigest: sp.Digest, StateSerial: state.Serial}
	// Records renamed by the spec's moved: are planned under their new name.
	pl.state, pl.moved = movedState(sp, state, pl.p)
	pl.buildNodes()
	pl.declared = declaredSets(sp, pl.nodes)
	if err := pl.scope(); err != nil {
		return nil, err
	}
	if err := pl.checkReplace(); err != nil {
		return nil, err
	}
	for _, level := range graph.Levels(pl.edges()) {
		if err := pl.observeLevel(ctx, level); err != nil {
			return nil, err
		}
	}
	pl.order()
	if o.Destroy || len(pl.p.Targets) > 0 {
		// A targeted plan sees part of the stack: outputs and the
		// unmanaged report need all of it.
		return pl.p, nil
	}
	if err := pl.outputs(); err != nil {
		return nil, err
	}
	if o.SkipUnmanaged {
		pl.p.UnmanagedSkipped = true
		return pl.p, nil
	}
	if err := pl.unmanaged(ctx); err != nil {
		return nil, err
	}
	return pl.p, nil
}

// planner holds one plan while its phases run.
type planner struct {
	e     *Engine
	sp    *spec.Spec
	state *State
	o     PlanOptions
	p     *Plan

	nodes    map[string]*node
	declared map[string]map[string][]string // exclusive sets: by resource, then field
	changes  map[string]*Change             // by node, as classified
	moved    map[string]string              // moved: new name → old name
	attrs    *attributes                    // what references read while planning
}

// buildNodes makes a node of every resource the spec or the state names:
// a type change gives two, the old record deleted under oldTypeSuffix.
func (pl *planner) buildNodes() {
	sp, state, e, p := pl.sp, pl.state, pl.e, pl.p
	nodes := map[string]*node{}
	for _, name := range sp.Order {
		r := sp.Resources[name]
		n := &node{name: name, res: r, kind: e.Kinds[r.Type], deps: r.Deps}
		if sr, ok := state.Resources[name]; ok {
			sr := sr
			if sr.Type == r.Type {
				n.state = &sr
			} else {
				// The type changed: the old resource is removed, a new one made.
				old := &node{name: name + oldTypeSuffix, state: &sr, kind: e.Kinds[sr.Type]}
				nodes[old.name] = old
			}
		}
		nodes[name] = n
	}
	for name, sr := range state.Resources {
		if _, ok := sp.Resources[name]; ok {
			continue
		}
		sr := sr
		k := e.Kinds[sr.Type]
		if k == nil {
			p.Errors = append(p.Errors, fmt.Sprintf("%s: the state records type %q, which this version of reconcile does not know", name, sr.Type))
			continue
		}
		nodes[name] = &node{name: name, state: &sr, kind: k, deps: sr.Deps}
	}
	for _, n := range nodes {
		if n.kind == nil {
			p.Errors = append(p.Errors, fmt.Sprintf("%s: unknown type %q in the state", n.name, n.state.Type))
			delete(nodes, n.name)
			continue
		}
		if n.res != nil && !n.res.Data {
			n.digest = specDigest(n.kind.Schema(), sp, n.res, n.name)
			n.notCompared = unsetInputs(sp, n.kind.Schema(), n.res.Props, "")
		}
	}
	pl.nodes = nodes
}

// edges is the plan's dependency graph.
func (pl *planner) edges() map[string][]string {
	edges := make(map[string][]string, len(pl.nodes))
	for name, n := range pl.nodes {
		edges[name] = n.deps
	}
	return edges
}

// observeLevel resolves what the spec wants of one level's resources with
// the attributes the earlier levels gave, reads them all (a kind that
// batches gets its type's requests together), and classifies each.
func (pl *planner) observeLevel(ctx context.Context, level []string) error {
	reqs := map[string][]ObserveRequest{} // by type
	kinds := map[string]Kind{}
	desired := map[string]spec.Props{}
	refs := references(pl.sp, pl.attrs)
	for _, name := range level {
		n := pl.nodes[name]
		var d spec.Props
		if n.res != nil {
			var err error
			d, err = n.res.Resolve(n.kind.Schema(), refs)
			if err != nil {
				return err
			}
			if !n.res.Data {
				injectTags(n.kind.Schema(), d, pl.sp, n.name)
				fillDeclared(n.kind.Schema(), d, pl.declared[name])
			}
			desired[name] = d
		}
		req := observeRequest(name, n.state, n.res, d)
		t := n.kind.Type()
		reqs[t] = append(reqs[t], req)
		kinds[t] = n.kind
	}
	obs, err := pl.e.observe(ctx, kinds, reqs)
	if err != nil {
		return err
	}
	for _, name := range level {
		n := pl.nodes[name]
		pl.classify(n, desired[name], obs[typed{n.kind.Type(), logicalName(name)}])
	}
	return nil
}

// classify decides one resource's change, checks it against what the plan
// must refuse, and makes its attributes known to the levels after it.
func (pl *planner) classify(n *node, desired spec.Props, live Observation) {
	p := pl.p
	if len(n.notCompared) > 0 && live.Exists {
		n.digest = specDigestAssuming(n.kind.Schema(), pl.sp, n.res, n.name, n.notCompared, live.Props)
	}
	c := planChange(n, desired, live, pl.o.Destroy)
	markMoved(c, pl.moved)
	pl.forceReplace(c)
	if err := checkOwner(c, p.Stack); err != "" {
		p.Errors = append(p.Errors, err)
	}
	if c.Data && !c.Live.Exists {
		p.Errors = append(p.Errors, fmt.Sprintf("%s (%s): the data source names nothing that exists; it is read, never created (create it with the stack that owns it first)", c.Name, c.Type))
	}
	if c.Protect && (c.Action == Delete || c.Action == Replace) {
		p.Errors = append(p.Errors, fmt.Sprintf("%s (%s) is protected and the plan would %s it; remove protect: true first if that is really meant", c.Name, c.Type, c.Action))
	}
	pl.changes[n.name] = c
	pl.attrs.set(n.name, plannedAttributes(c, n.kind))
}

// order lists the changes as apply takes them: deletes of resources gone
// from the spec in reverse dependency order first, then the rest in
// dependency order.
func (pl *planner) order() {
	var deletes, rest []*Change
	for _, level := range graph.Levels(pl.edges()) {
		for _, name := range level {
			c := pl.changes[name]
			if c.Action == Delete {
				deletes = append(deletes, c)
			} else {
				rest = append(rest, c)
			}
		}
	}
	slices.Reverse(deletes)
	pl.p.Changes = append(deletes, rest...)
}

// outputs resolves the spec's outputs with what planning learnt (unknown
// where only apply can tell).
func (pl *planner) outputs() error {
	refs := references(pl.sp, pl.attrs)
	for name, out := range pl.sp.Outputs {
		v, err := spec.Expand(out.Template, refs)
		if err != nil {
			return err
		}
		pl.p.Outputs[name] = v
	}
	return nil
}

// unmanaged reports what carries the stack's prefix and nothing records.
func (pl *planner) unmanaged(ctx context.Context) error {
	um, neighbours, err := pl.e.unmanaged(ctx, pl.sp, pl.p.Changes)
	if err != nil {
		return err
	}
	pl.p.Unmanaged, pl.p.Neighbours = um, neighbours
	return nil
}

// observeRequest is the request a plan makes to observe one resource, and
// the one a saved plan's check (Reobserve) makes again: the two must not
// differ, or every observation would seem to have moved.
func observeRequest(name string, state *StateResource, res *spec.Resource, desired spec.Props) ObserveRequest {
	req := ObserveRequest{Name: logicalName(name), Desired: desired}
	if state != nil {
		req.ID = state.ID
	}
	if res != nil {
		req.Ignore = res.Ignore
	}
	return req
}
