package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

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
	for _, name := range sortedKeys(r.Failed) {
		errs = append(errs, fmt.Errorf("%s: %w", name, r.Failed[name]))
	}
	for _, name := range sortedKeys(r.Skipped) {
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
	if sp.Digest != p.SpecDigest || st.Serial != p.StateSerial {
		return nil, fmt.Errorf("the plan was made from spec %s and state serial %d, not from spec %s and state serial %d: plan again", p.SpecDigest, p.StateSerial, sp.Digest, st.Serial)
	}
	// The records the plan moves are recorded under their new names.
	st = p.movedRecords(st)
	opCtx := context.WithoutCancel(ctx)
	state := st.Clone()
	state.SpecDigest = sp.Digest
	res := &Result{Done: map[string]Action{}, Failed: map[string]error{}, Skipped: map[string]string{}, Outputs: map[string]any{}, State: state}
	saver := NewSaver(opCtx, e.Store, state)

	var mu sync.Mutex
	attrs := map[string]map[string]string{} // final attributes by name
	finished := map[string]chan struct{}{}
	for _, c := range p.Changes {
		finished[c.Name] = make(chan struct{})
		if c.Live.Exists {
			attrs[c.Name] = c.Live.Attrs
		}
	}
	lookup := func(expr string) (string, bool) {
		if v, ok := sp.Value(expr); ok || !strings.Contains(expr, ".") || strings.HasPrefix(expr, "input.") {
			return v, ok
		}
		name, attr, _ := strings.Cut(expr, ".")
		mu.Lock()
		defer mu.Unlock()
		v, ok := attrs[name][attr]
		return v, ok
	}
	blocked := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		if err, ok := res.Failed[name]; ok {
			return fmt.Sprintf("%s failed: %v", name, firstLine(err))
		}
		if why, ok := res.Skipped[name]; ok {
			return fmt.Sprintf("%s was not applied (%s)", name, why)
		}
		return ""
	}

	// waitFor lists who must finish first: for deletes, the resources that
	// depend on this one and are deleted too; otherwise its dependencies.
	dependents := map[string][]string{}
	isDelete := map[string]bool{}
	for _, c := range p.Changes {
		isDelete[c.Name] = c.Action == Delete
	}
	for _, c := range p.Changes {
		for _, d := range c.Deps {
			if isDelete[c.Name] && isDelete[d] {
				dependents[d] = append(dependents[d], c.Name)
			}
		}
	}
	lastDelete := make(chan struct{})
	var deleteWG sync.WaitGroup

	// skip records a change that was not attempted; a resource with
	// nothing planned is left out, so the report names only real work.
	skip := func(c *Change, why error) {
		if c.Action == NoOp && !c.StateStale {
			return
		}
		mu.Lock()
		res.Skipped[c.Name] = why.Error()
		mu.Unlock()
		e.emit(Event{Phase: Skipped, Name: c.Name, Type: c.Type, Action: c.Action, Err: why})
	}
	sem := make(chan struct{}, e.parallelism())
	var wg sync.WaitGroup
	for _, c := range p.Changes {
		var waitFor []string
		if c.Action == Delete {
			waitFor = dependents[c.Name]
			deleteWG.Add(1)
		} else {
			waitFor = c.Deps
		}
		wg.Add(1)
		go func(c *Change) {
			defer wg.Done()
			defer close(finished[c.Name])
			if c.Action == Delete {
				defer deleteWG.Done()
			} else {
				<-lastDelete
			}
			for _, d := range waitFor {
				if ch, ok := finished[d]; ok {
					<-ch
				}
			}
			for _, d := range waitFor {
				if why := blocked(d); why != "" {
					// A failed dependent blocks the delete of what it uses,
					// as a failed dependency blocks what uses it.
					skip(c, errors.New(why))
					return
				}
			}
			if ctx.Err() != nil {
				skip(c, errInterrupted)
				return
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				skip(c, errInterrupted)
				return
			}
			action, ob, _, err := e.applyOne(opCtx, sp, c, lookup)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Failed[c.Name] = err
				return
			}
			if action != NoOp {
				res.Done[c.Name] = action
			}
			switch {
			case c.Data:
				// Read only: a record left from when the stack owned it
				// is dropped, and nothing else is written.
				if _, ok := state.Resources[c.Name]; ok {
					delete(state.Resources, c.Name)
					saver.Dirty(state)
				}
				return
			case action == Delete || (c.Action == NoOp && !c.InSpec):
				// The record of a type that changed is under the logical
				// name: drop it only if it is still that type's.
				if r, ok := state.Resources[logicalName(c.Name)]; ok && r.Type == c.Type {
					delete(state.Resources, logicalName(c.Name))
				}
			case ob.Exists:
				attrs[c.Name] = ob.Attrs
				state.Resources[c.Name] = StateResource{
					Type: c.Type, ID: ob.ID, Digest: specDigest(e.Kinds[c.Type].Schema(), sp, sp.Resources[c.Name], c.Name),
					Protect: c.Protect, Deps: c.Deps, Extra: st.Resources[c.Name].Extra,
				}
			}
			if action != NoOp || digestChanged(st, state, c.Name) {
				saver.Dirty(state)
			}
		}(c)
	}
	go func() { deleteWG.Wait(); close(lastDelete) }()
	wg.Wait()
	if err := saver.Close(state); err != nil {
		return res, err
	}
	for name, out := range sp.Outputs {
		if p.Destroy {
			break
		}
		v, err := spec.Expand(out.Template, lookup)
		if err == nil {
			res.Outputs[name] = v
		}
	}
	return res, nil
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
func (e *Engine) applyOne(ctx context.Context, sp *spec.Spec, c *Change, lookup spec.Lookup) (Action, Observation, spec.Props, error) {
	action := c.Action
	if c.Data || (action == NoOp && !c.Live.Exists) {
		// Neither made nor recorded (a destroy of what is already gone):
		// there is nothing to resolve or compare.
		return action, c.Live, nil, nil
	}
	var desired spec.Props
	k := e.Kinds[c.Type]
	if r := sp.Resources[logicalName(c.Name)]; c.InSpec && action != Delete {
		d, err := r.Resolve(k.Schema(), lookup)
		if err != nil {
			return action, Observation{}, nil, err
		}
		if hasUnknown(d) {
			return action, Observation{}, nil, fmt.Errorf("values still unknown after their dependencies were applied")
		}
		injectTags(k.Schema(), d, sp, c.Name)
		copyDeclared(k.Schema(), d, c.Desired)
		desired = d
		// Values a dependency produced during this apply can turn a no-op
		// into an update (a function's new version moves its alias).
		if action == NoOp || action == Update || action == Import || action == Move {
			diff := computeDiff(k.Schema(), desired, c.Live.Props, diffOptions{Ignore: r.Ignore, Manage: r.Manage, SpecChanged: true})
			c.Diff = diff
			switch {
			case len(diff) == 0 && action == Update:
				action = NoOp
			case len(diff) > 0:
				action = Update
				for _, d := range diff {
					if d.ForceNew {
						action = Replace
					}
				}
			}
		}
	}
	if action == NoOp || action == Import || action == Move {
		return action, c.Live, desired, nil
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
	return action, ob, desired, err
}
