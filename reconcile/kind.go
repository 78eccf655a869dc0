package reconcile

import (
	"context"
	"slices"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// Kind reconciles one type of AWS resource. Every method is idempotent and
// safe to retry; the engine never imports a kind, cmd/ registers them.
type Kind interface {
	// Type is the spec's type name, "service.thing" (ssm.parameter).
	Type() string
	// Schema describes the properties the spec may set.
	Schema() spec.Schema
	// Attributes lists what ${name.attr} may reference (arn, name, ...).
	Attributes() []string
	// Observe reads the live resource and never changes it. Absent is a
	// value (Exists=false), not an error. req.ID is the physical id recorded
	// in the state ("" when the state has none: derive the identity from
	// req.Desired, which may hold Unknown values, and report absent when it
	// cannot be derived). req.Desired is nil for a resource removed from the
	// spec. Live Props name only the fields the kind can read back.
	Observe(ctx context.Context, req ObserveRequest) (Observation, error)
	// Create makes the resource from fully known desired props and returns
	// its observation (ID and Attrs at least). If it already exists with the
	// same identity, Create adopts it and updates it to the desired props.
	Create(ctx context.Context, desired spec.Props) (Observation, error)
	// Update changes the live resource in place so that the fields in
	// req.Diff match req.Desired, calling only the APIs those fields need.
	Update(ctx context.Context, req UpdateRequest) (Observation, error)
	// Delete removes the resource known by id; deleting an absent resource
	// succeeds. Dependents are already gone.
	Delete(ctx context.Context, id string) error
}

// ObserveRequest asks a kind for the live state of one resource.
type ObserveRequest struct {
	Name    string     // logical name in the spec
	ID      string     // physical id from the state, "" if none
	Desired spec.Props // nil when the resource was removed from the spec
	// Ignore lists the fields the spec ignores: a kind may skip reading
	// them (an emulator that lacks the call, a read the plan can save).
	Ignore []string
}

// Ignores reports whether the request's spec ignores field.
func (r ObserveRequest) Ignores(field string) bool { return slices.Contains(r.Ignore, field) }

// Observation is what a kind read (or made).
type Observation struct {
	Exists bool
	// ID identifies the resource for Observe and Delete on later runs, on
	// its own: a resource removed from the spec is deleted by ID alone.
	ID string
	// Props holds the live values, named as in the spec.
	Props spec.Props
	// Attrs holds the values ${name.attr} resolves to.
	Attrs map[string]string
}

// UpdateRequest carries what Update needs to change.
type UpdateRequest struct {
	ID      string
	Desired spec.Props
	Live    Observation
	Diff    Diff
}

// Lister is implemented by kinds that can find resources carrying the
// stack's naming prefix, to report those not in the state as unmanaged.
type Lister interface {
	// List returns the IDs of resources of this kind whose names start with
	// prefix.
	List(ctx context.Context, prefix string) ([]string, error)
}

// Listed is one resource a StackLister found.
type Listed struct {
	ID string
	// Stack is the stack its ownership tag names, "" if none.
	Stack string
}

// StackLister is a Lister that also says which stack owns what it lists, so
// a plan leaves another stack's resources out of its unmanaged report.
type StackLister interface {
	ListStacks(ctx context.Context, prefix string) ([]Listed, error)
}

// BatchObserver is implemented by kinds that can read many resources in one
// call (GetParameters takes 10 names). The engine hands it every request of
// its kind that is ready at once, even a single one (a kind may answer it
// from a listing it shares with List in the same plan); results are in
// request order.
type BatchObserver interface {
	ObserveBatch(ctx context.Context, reqs []ObserveRequest) ([]Observation, error)
}

// PlanScoped is implemented by kinds that keep what they read for the
// length of one plan: an account-wide listing made once and shared by
// ObserveBatch and List. The engine calls BeginPlan on every kind before a
// plan observes anything, so a kind reused for another plan never answers
// from an earlier plan's listing. Kinds read such a listing only while
// planning; Create, Update and Delete always call AWS. BeginPlan may be
// called more than once before a plan, never while one observes.
type PlanScoped interface {
	BeginPlan()
}

// Schemas views kinds as the spec loader sees them: what each type may set
// and what others may reference.
func Schemas(kinds map[string]Kind) map[string]spec.TypeSchema {
	out := make(map[string]spec.TypeSchema, len(kinds))
	for t, k := range kinds {
		out[t] = k
	}
	return out
}
