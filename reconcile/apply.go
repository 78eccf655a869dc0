package reconcile

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/trip-assistant/stack/reconcile/internal/graph"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Result is what an apply did.
type Result struct {
	Done    map[string]Action // resources whose operation succeeded
	Failed  map[string]error
	Skipped map[string]string // why each was not attempted
	Outputs map[string]any
	State   *State
}

// Err joins every failure, nil when all went well.
func (r *Result) Err() error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(r.Failed)) {
		errs = append(errs, fmt.Errorf("%s: %w", name, r.Failed[name]))
	}
	for _, name := range slices.Sorted(maps.Keys(r.Skipped)) {
		errs = append(errs, fmt.Errorf("%s: not applied: %s", name, r.Skipped[name]))
	}
	return errors.Join(errs...)
}

// Apply carries out a plan. Deletes run first, dependents before what they
// depend on; then creates and updates in dependency order. Independent
// resources run in parallel. A failed resource skips its dependents; the
// rest goes on, and every error is in the result.
//
// Cancelling ctx stops new operations from starting; operations already
// sent finish (they are not cancelled halfway) and are recorded, so an
// interrupted run loses nothing. The state is saved after every operation.
//
// sp and st must be the spec and state the plan was made from: apply
// resolves the spec's templates again with the attributes it learns, and
// records what it does on top of st.
func (e *Engine) Apply(ctx context.Context, p *Plan, sp *spec.Spec, st *State) (*Result, error) {
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := notComparedErr(p); err != nil {
		return nil, err
	}
	if sp.Digest != p.SpecDigest || st.Serial != p.StateSerial {
		return nil, fmt.Errorf("the plan was made from spec %s and state serial %d, not from spec %s and state serial %d: plan again", p.SpecDigest, p.StateSerial, sp.Digest, st.Serial)
	}
	// The records the plan moves are recorded under their new names.
	st = p.movedRecords(st)
	a := e.newApplier(ctx, p, sp, st)
	deletes, rest := map[string][]string{}, map[string][]string{}
	for _, c := range p.Changes {
		if c.Action == Delete {
			deletes[c.Name] = c.Deps
		} else {
			rest[c.Name] = c.Deps
		}
	}
	// A failed delete of a dependent blocks the delete of what it uses, as
	// a failed dependency blocks what uses it.
	deleted := graph.Walk(ctx, deletes, graph.Options{Limit: e.parallelism(), Reverse: true, Skip: a.skip}, a.apply)
	graph.Walk(ctx, rest, graph.Options{Limit: e.parallelism(), Upstream: deleted, Skip: a.skip}, a.apply)
	if err := a.saver.Close(a.state); err != nil {
		return a.res, err
	}
	if !p.Destroy && len(p.Targets) == 0 {
		for name, out := range sp.Outputs {
			v, err := spec.Expand(out.Template, a.refs)
			if err == nil {
				a.res.Outputs[name] = v
			}
		}
	}
	return a.res, nil
}

// applier holds one apply while the walks run.
type applier struct {
	e       *Engine
	opCtx   context.Context // operations, once sent, are never cancelled
	sp      *spec.Spec
	st      *State // as planned
	changes map[string]*Change
	attrs   *attributes // final attributes by name
	refs    spec.Lookup
	saver   *Saver

	mu    sync.Mutex // guards the rest
	state *State     // as recorded so far
	res   *Result
	// why holds why each change was skipped, including the no-ops the
	// result leaves out, so what they block can say it.
	why map[string]string
}

func (e *Engine) newApplier(ctx context.Context, p *Plan, sp *spec.Spec, st *State) *applier {
	opCtx := context.WithoutCancel(ctx)
	state := st.Clone()
	state.SpecDigest = sp.Digest
	a := &applier{
		e: e, opCtx: opCtx, sp: sp, st: st, changes: map[string]*Change{}, attrs: newAttributes(),
		saver: NewSaver(opCtx, e.Store, state), state: state, why: map[string]string{},
		res: &Result{Done: map[string]Action{}, Failed: map[string]error{}, Skipped: map[string]string{}, Outputs: map[string]any{}, State: state},
	}
	a.refs = references(sp, a.attrs)
	for _, c := range p.Changes {
		a.changes[c.Name] = c
		if c.Live.Exists {
			a.attrs.set(c.Name, c.Live.Attrs)
		}
	}
	return a
}

// skip records a change that was not attempted because blocker failed or
// was not applied ("": the run was interrupted). A resource with nothing
// planned is left out of the result, so the report names only real work,
// and what it blocks is told what blocked it.
func (a *applier) skip(name, blocker string) {
	c := a.changes[name]
	a.mu.Lock()
	why := errInterrupted.Error()
	silent := func(n string) bool { d := a.changes[n]; return d.Action == NoOp && !d.StateStale }
	switch {
	case blocker == "":
	case a.res.Failed[blocker] != nil:
		why = fmt.Sprintf("%s failed: %v", blocker, firstLine(a.res.Failed[blocker]))
	case silent(blocker):
		why = a.why[blocker]
	default:
		why = fmt.Sprintf("%s was not applied (%s)", blocker, a.why[blocker])
	}
	a.why[name] = why
	if silent(name) {
		a.mu.Unlock()
		return
	}
	a.res.Skipped[name] = why
	a.mu.Unlock()
	a.e.emit(Event{Phase: Skipped, Name: c.Name, Type: c.Type, Action: c.Action, Err: errors.New(why)})
}

// apply carries out one change and records it.
func (a *applier) apply(name string) error {
	c := a.changes[name]
	action, ob, err := a.e.applyOne(a.opCtx, a.sp, c, a.refs)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.res.Failed[c.Name] = err
		return err
	}
	if action != NoOp {
		a.res.Done[c.Name] = action
	}
	state := a.state
	switch {
	case c.Data:
		// Read only: a record left from when the stack owned it
		// is dropped, and nothing else is written.
		if _, ok := state.Resources[c.Name]; ok {
			delete(state.Resources, c.Name)
			a.saver.Dirty(state)
		}
		return nil
	case action == Delete || (c.Action == NoOp && !c.InSpec):
		// The record of a type that changed is under the logical
		// name: drop it only if it is still that type's.
		if r, ok := state.Resources[logicalName(c.Name)]; ok && r.Type == c.Type {
			delete(state.Resources, logicalName(c.Name))
		}
	case ob.Exists:
		a.attrs.set(c.Name, ob.Attrs)
		state.Resources[c.Name] = StateResource{
			Type: c.Type, ID: ob.ID, Digest: specDigest(a.e.Kinds[c.Type].Schema(), a.sp, a.sp.Resources[c.Name], c.Name),
			Protect: c.Protect, Deps: c.Deps, Extra: a.st.Resources[c.Name].Extra,
		}
	}
	if action != NoOp || digestChanged(a.st, state, c.Name) {
		a.saver.Dirty(state)
	}
	return nil
}

// notComparedErr refuses a plan that left fields out of its comparison:
// apply needs every value it writes.
func notComparedErr(p *Plan) error {
	var missing []string
	for _, c := range p.Changes {
		for _, n := range c.NotCompared {
			missing = append(missing, fmt.Sprintf("%s.%s (%s)", c.Name, n.Path, n.Reason))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("the plan did not compare %s: set the variables and plan again to apply", strings.Join(missing, ", "))
}

var errInterrupted = errors.New("interrupted before it started")

func digestChanged(before, after *State, name string) bool {
	b, ok1 := before.Resources[name]
	a, ok2 := after.Resources[name]
	return ok1 != ok2 || b.Digest != a.Digest || b.ID != a.ID || b.Protect != a.Protect || !slices.Equal(b.Deps, a.Deps)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// applyOne carries out one change with the attributes now known.
func (e *Engine) applyOne(ctx context.Context, sp *spec.Spec, c *Change, lookup spec.Lookup) (Action, Observation, error) {
	action := c.Action
	if c.Data || (action == NoOp && !c.Live.Exists) {
		// Neither made nor recorded (a destroy of what is already gone):
		// there is nothing to resolve or compare.
		return action, c.Live, nil
	}
	var desired spec.Props
	k := e.Kinds[c.Type]
	if r := sp.Resources[logicalName(c.Name)]; c.InSpec && action != Delete {
		d, err := r.Resolve(k.Schema(), lookup)
		if err != nil {
			return action, Observation{}, err
		}
		if hasUnknown(d) {
			return action, Observation{}, fmt.Errorf("values still unknown after their dependencies were applied")
		}
		injectTags(k.Schema(), d, sp, c.Name)
		copyDeclared(k.Schema(), d, c.Desired)
		desired = d
		// Values a dependency produced during this apply can turn a no-op
		// into an update (a function's new version moves its alias).
		if action == NoOp || action == Update || action == Import || action == Move {
			c.Diff = diffFor(k.Schema(), r, desired, c.Live.Props, true, nil)
			// An import, a move or a no-op stays one while nothing differs.
			if next := actionFor(c.Diff); next != NoOp || action == Update {
				action = next
			}
		}
	}
	if action == NoOp || action == Import || action == Move {
		return action, c.Live, nil
	}
	start := time.Now()
	e.emit(Event{Phase: Started, Name: c.Name, Type: c.Type, Action: action})
	var ob Observation
	var err error
	switch action {
	case Create:
		ob, err = k.Create(ctx, desired)
	case Update:
		ob, err = k.Update(ctx, UpdateRequest{ID: c.ID, Desired: desired, Live: c.Live, Diff: c.Diff})
	case Replace:
		if err = k.Delete(ctx, c.ID); err == nil {
			ob, err = k.Create(ctx, desired)
		}
	case Delete:
		if c.ID != "" && c.Live.Exists {
			err = k.Delete(ctx, c.ID)
		}
	}
	if err == nil && action != Delete && !ob.Exists {
		err = fmt.Errorf("%s reported success but no resource", action)
	}
	ev := Event{Phase: Succeeded, Name: c.Name, Type: c.Type, Action: action, Elapsed: time.Since(start), Err: err}
	if err != nil {
		ev.Phase = Failed
	}
	e.emit(ev)
	return action, ob, err
}
