package fakekind

import (
	"context"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// Harness wires the fake kinds, cloud and store to an engine, for tests
// that load a spec, plan and apply it.
type Harness struct {
	Cloud  *Cloud
	Kinds  map[string]reconcile.Kind
	Fakes  map[string]*Kind
	Store  *Store
	Engine *reconcile.Engine
	// Env is what the spec's inputs read.
	Env map[string]string
	// AllowUnsetInputs loads specs whose inputs are unset, as a drift
	// check without the secret does.
	AllowUnsetInputs bool

	planned map[*reconcile.Plan]planned
}

// NewHarness returns a harness with an empty cloud and state.
func NewHarness() *Harness {
	cloud := NewCloud()
	kinds := Registry(cloud)
	store := NewStore()
	return &Harness{Cloud: cloud, Kinds: kinds, Fakes: Fakes(kinds), Store: store, Engine: &reconcile.Engine{Kinds: kinds, Store: store}, Env: map[string]string{}}
}

// Load validates spec text for an environment ("" for the default).
func (h *Harness) Load(tb testing.TB, sp, environment string) *spec.Spec {
	tb.Helper()
	s, err := spec.Load("spec.yaml", []byte(sp), spec.LoadOptions{
		Environment: environment, Types: reconcile.Schemas(h.Kinds), AllowUnsetInputs: h.AllowUnsetInputs,
		LookupEnv: func(k string) (string, bool) { v, ok := h.Env[k]; return v, ok },
	})
	if err != nil {
		tb.Fatalf("cannot load spec: %v", err)
	}
	return s
}

// Plan plans spec against the stored state.
func (h *Harness) Plan(ctx context.Context, tb testing.TB, sp *spec.Spec, destroy bool) *reconcile.Plan {
	tb.Helper()
	p, err := h.PlanWith(ctx, sp, reconcile.PlanOptions{Destroy: destroy})
	if err != nil {
		tb.Fatalf("Plan() = %v", err)
	}
	return p
}

// PlanWith plans spec against the stored state with options, returning
// the planning error.
func (h *Harness) PlanWith(ctx context.Context, sp *spec.Spec, o reconcile.PlanOptions) (*reconcile.Plan, error) {
	st, err := h.Store.Load(ctx)
	if err != nil {
		return nil, err
	}
	p, err := h.Engine.Plan(ctx, sp, st, o)
	if err != nil {
		return nil, err
	}
	if h.planned == nil {
		h.planned = map[*reconcile.Plan]planned{}
	}
	h.planned[p] = planned{sp, st}
	return p, nil
}

// planned is what a plan was made from.
type planned struct {
	spec  *spec.Spec
	state *reconcile.State
}

// ApplyPlan applies a plan that h.Plan made, with the spec and state it
// was made from.
func (h *Harness) ApplyPlan(ctx context.Context, p *reconcile.Plan) (*reconcile.Result, error) {
	from, ok := h.planned[p]
	if !ok {
		panic("ApplyPlan: the plan was not made by this harness")
	}
	return h.Engine.Apply(ctx, p, from.spec, from.state)
}

// Apply plans and applies spec, failing the test if the apply does.
func (h *Harness) Apply(ctx context.Context, tb testing.TB, sp *spec.Spec, destroy bool) (*reconcile.Plan, *reconcile.Result) {
	tb.Helper()
	p := h.Plan(ctx, tb, sp, destroy)
	r, err := h.ApplyPlan(ctx, p)
	if err != nil {
		tb.Fatalf("Apply() = %v", err)
	}
	if err := r.Err(); err != nil {
		tb.Fatalf("Apply() result: %v", err)
	}
	return p, r
}

// Listing makes a fake kind a reconcile.Lister, to report unmanaged
// resources.
type Listing struct{ *Kind }

var _ reconcile.Lister = Listing{}

// List returns the ids of the kind's resources starting with prefix.
func (l Listing) List(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	for _, id := range l.Cloud.IDs(l.TypeName) {
		if len(id) >= len(prefix) && id[:len(prefix)] == prefix {
			out = append(out, id)
		}
	}
	return out, nil
}
