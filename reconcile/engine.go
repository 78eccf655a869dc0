package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
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
}

// PlanOptions tune planning.
type PlanOptions struct {
	Destroy bool
}

// Plan observes every resource, in dependency order and in parallel, and
// computes what apply would do. It changes nothing.
func (e *Engine) Plan(ctx context.Context, sp *spec.Spec, state *State, o PlanOptions) (*Plan, error) {
	p := &Plan{FormatVersion: FormatVersion, Stack: sp.Project + "/" + sp.Environment, Region: sp.Region, Destroy: o.Destroy, Outputs: map[string]any{}, SpecDigest: sp.Digest, StateSerial: state.Serial}
	e.beginPlan()
	// Records renamed by the spec's moved: are planned under their new name.
	state, moved := movedState(sp, state, p)
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
		}
	}
	declared := declaredSets(sp, nodes)

	edges := map[string][]string{}
	for name, n := range nodes {
		edges[name] = n.deps
	}
	changes := map[string]*Change{}
	var mu sync.Mutex
	lookup := func(expr string) (string, bool) {
		return sp.Value(expr)
	}
	resourceLookup := func(expr string) (string, bool) {
		if v, ok := lookup(expr); ok || !strings.Contains(expr, ".") || strings.HasPrefix(expr, "input.") {
			return v, ok
		}
		name, attr, _ := strings.Cut(expr, ".")
		mu.Lock()
		c := changes[name]
		mu.Unlock()
		if c == nil || !c.Live.Exists || c.Action == Create || c.Action == Replace || c.Action == Delete {
			return "", false
		}
		if c.Action == Update {
			if v, ok := e.Kinds[c.Type].(AttrsChangedByUpdate); ok && slices.Contains(v.AttrsChangedByUpdate(), attr) {
				return "", false
			}
		}
		v, ok := c.Live.Attrs[attr]
		return v, ok
	}

	for _, level := range graph.Levels(edges) {
		reqs := map[string][]ObserveRequest{} // by type
		kinds := map[string]Kind{}
		desired := map[string]spec.Props{}
		for _, name := range level {
			n := nodes[name]
			req := ObserveRequest{Name: logicalName(name)}
			if n.state != nil {
				req.ID = n.state.ID
			}
			if n.res != nil {
				req.Ignore = n.res.Ignore
				d, err := n.res.Resolve(n.kind.Schema(), resourceLookup)
				if err != nil {
					return nil, err
				}
				if !n.res.Data {
					injectTags(n.kind.Schema(), d, sp, n.name)
					fillDeclared(n.kind.Schema(), d, declared[name])
				}
				desired[name] = d
				req.Desired = d
			}
			t := n.kind.Type()
			reqs[t] = append(reqs[t], req)
			kinds[t] = n.kind
		}
		obs, err := e.observe(ctx, kinds, reqs)
		if err != nil {
			return nil, err
		}
		for _, name := range level {
			n := nodes[name]
			ob := obs[logicalName(name)+"\x00"+n.kind.Type()]
			c := planChange(n, desired[name], ob, o.Destroy)
			markMoved(c, moved)
			if err := checkOwner(c, p.Stack); err != "" {
				p.Errors = append(p.Errors, err)
			}
			if c.Data && !c.Live.Exists {
				p.Errors = append(p.Errors, fmt.Sprintf("%s (%s): the data source names nothing that exists; it is read, never created (create it with the stack that owns it first)", c.Name, c.Type))
			}
			if c.Protect && (c.Action == Delete || c.Action == Replace) {
				p.Errors = append(p.Errors, fmt.Sprintf("%s (%s) is protected and the plan would %s it; remove protect: true first if that is really meant", c.Name, c.Type, c.Action))
			}
			mu.Lock()
			changes[name] = c
			mu.Unlock()
		}
	}

	// Order: deletes of resources gone from the spec in reverse dependency
	// order first, then the rest in dependency order.
	lv := graph.Levels(edges)
	var deletes, rest []*Change
	for _, level := range lv {
		for _, name := range level {
			c := changes[name]
			if c.Action == Delete {
				deletes = append(deletes, c)
			} else {
				rest = append(rest, c)
			}
		}
	}
	slices.Reverse(deletes)
	p.Changes = append(deletes, rest...)

	if !o.Destroy {
		for name, out := range sp.Outputs {
			v, err := spec.Expand(out.Template, resourceLookup)
			if err != nil {
				return nil, err
			}
			p.Outputs[name] = v
		}
		um, neighbours, err := e.unmanaged(ctx, sp, p.Changes)
		if err != nil {
			return nil, err
		}
		p.Unmanaged, p.Neighbours = um, neighbours
	}
	return p, nil
}

// observe reads every request of one level, batching where a kind can.
func (e *Engine) observe(ctx context.Context, kinds map[string]Kind, reqs map[string][]ObserveRequest) (map[string]Observation, error) {
	out := map[string]Observation{}
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, e.parallelism())
	var wg sync.WaitGroup
	record := func(t string, rs []ObserveRequest, obs []Observation, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = r.Name
			}
			errs = append(errs, fmt.Errorf("cannot read %s %s: %w", t, strings.Join(names, ", "), err))
			return
		}
		for i, r := range rs {
			out[r.Name+"\x00"+t] = obs[i]
		}
	}
	for _, t := range sortedKeys(reqs) {
		k, rs := kinds[t], reqs[t]
		if b, ok := k.(BatchObserver); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				obs, err := b.ObserveBatch(ctx, rs)
				if err == nil && len(obs) != len(rs) {
					err = fmt.Errorf("batch observe returned %d results for %d requests", len(obs), len(rs))
				}
				record(t, rs, obs, err)
			}()
			continue
		}
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				ob, err := k.Observe(ctx, r)
				record(t, []ObserveRequest{r}, []Observation{ob}, err)
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
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
	c.Diff = computeDiff(schema, desired, live.Props, diffOptions{Ignore: n.res.Ignore, Manage: n.res.Manage, SpecChanged: specChanged || adopting})
	if len(c.Diff) == 0 {
		c.Action = NoOp
		if n.state == nil {
			c.Action, c.Class = Import, Adopted
		}
		return c
	}
	c.Action = Update
	for _, d := range c.Diff {
		if d.ForceNew {
			c.Action = Replace
		}
	}
	switch {
	case adopting:
		c.Class = Adopted
	case specChanged:
		c.Class = SpecChanged
	case hasUnknown(desired):
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
	return n.state.Protect != c.Protect || !slices.Equal(n.state.Deps, c.Deps) || n.state.ID != c.ID || n.state.Digest != n.digest
}

// beginPlan tells every kind that a new plan starts.
func (e *Engine) beginPlan() {
	for _, name := range sortedKeys(e.Kinds) {
		if ps, ok := e.Kinds[name].(PlanScoped); ok {
			ps.BeginPlan()
		}
	}
}

// injectTags adds the ownership tags to kinds that take tags.
func injectTags(schema spec.Schema, desired spec.Props, sp *spec.Spec, name string) {
	if f, ok := schema["tags"]; !ok || f.Type != spec.StringMap {
		return
	}
	tags := map[string]any{}
	for k, v := range spec.ToStringMap(desired["tags"]) {
		tags[k] = v
	}
	tags[TagStack] = sp.Project + "/" + sp.Environment
	tags[TagName] = tagName(sp, logicalName(name))
	desired["tags"] = tags
}

// unmanaged lists resources that carry the stack's prefix but that neither
// the state nor the spec knows.
// Resources another stack owns are only counted, by stack.
func (e *Engine) unmanaged(ctx context.Context, sp *spec.Spec, changes []*Change) ([]Unmanaged, map[string]int, error) {
	stack := sp.Project + "/" + sp.Environment
	neighbours := map[string]int{}
	known := map[string]bool{}
	prefixes := map[string]map[string]bool{}
	kinds := map[string]Kind{}
	for _, c := range changes {
		known[c.Type+"\x00"+c.ID] = true
		if n := c.Live.Attrs["name"]; n != "" {
			known[c.Type+"\x00"+n] = true
		}
		k := e.Kinds[c.Type]
		if _, ok := k.(Lister); !ok || c.Desired == nil {
			continue
		}
		name, _ := c.Desired["name"].(string)
		i := strings.Index(name, sp.Project)
		if i < 0 {
			continue
		}
		if prefixes[c.Type] == nil {
			prefixes[c.Type] = map[string]bool{}
		}
		prefixes[c.Type][name[:i+len(sp.Project)]] = true
		kinds[c.Type] = k
	}
	// The listings are independent: run them at once, within the
	// parallelism bound, and read the answers in a fixed order.
	type listing struct {
		typ, prefix string
		listed      []Listed
		err         error
	}
	var listings []*listing
	for _, t := range sortedKeys(prefixes) {
		for _, prefix := range sortedKeys(prefixes[t]) {
			listings = append(listings, &listing{typ: t, prefix: prefix})
		}
	}
	sem := make(chan struct{}, e.parallelism())
	var wg sync.WaitGroup
	for _, l := range listings {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var ids []string
			ids, l.err = kinds[l.typ].(Lister).List(ctx, l.prefix)
			strangers := false
			for _, id := range ids {
				l.listed = append(l.listed, Listed{ID: id})
				strangers = strangers || !known[l.typ+"\x00"+id]
			}
			// Owners are asked only of a listing that holds resources the
			// plan does not know: reading them can cost a call each.
			if sl, ok := kinds[l.typ].(StackLister); ok && l.err == nil && strangers {
				l.listed, l.err = sl.ListStacks(ctx, l.prefix)
			}
		})
	}
	wg.Wait()
	var out []Unmanaged
	for _, l := range listings {
		if l.err != nil {
			return nil, nil, fmt.Errorf("cannot list %s resources named %s*: %w", l.typ, l.prefix, l.err)
		}
		for _, r := range l.listed {
			if known[l.typ+"\x00"+r.ID] {
				continue
			}
			known[l.typ+"\x00"+r.ID] = true
			if r.Stack != "" && r.Stack != stack {
				neighbours[r.Stack]++
				continue
			}
			out = append(out, Unmanaged{Type: l.typ, ID: r.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+out[i].ID < out[j].Type+out[j].ID })
	if len(neighbours) == 0 {
		neighbours = nil
	}
	return out, neighbours, nil
}
