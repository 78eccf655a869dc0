package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Props are a resource's properties named as the spec names them. Values are
// JSON-like: string, int64, bool, []any, map[string]any, or Unknown for a
// value that only an apply can tell (a reference to a resource not yet made).
type Props map[string]any

// Unknown stands for a value known only after apply.
type Unknown struct{ Ref string }

// FieldType is the type a spec field must have.
type FieldType int

const (
	String     FieldType = iota + 1
	Int                  // int64 after decoding
	Bool                 // bool
	StringList           // []any of string
	StringMap            // map[string]any of string
	Document             // any JSON-like value (IAM policy, lifecycle rules): interpolated, compared by Field.Equal
	Object               // nested fields given by Field.Fields
)

// Field describes one property of a resource kind. The engine validates the
// spec against it, diffs desired and live values with it and renders the diff.
type Field struct {
	Type     FieldType
	Required bool
	// Default fills an unset field, so an unset field still converges: the
	// engine fills it before diffing and before Create and Update. Without
	// a Default an unset field is left alone. A Default meaning "none" ("",
	// 0, an empty object) makes removing the field from the spec remove it
	// from AWS.
	Default any
	// Sensitive values are never rendered, logged or recorded: the engine
	// compares SecretDigest of the desired and the live value. Observe
	// reports the plain live value; it stays in memory. A value derived from
	// a sensitive input may only be given to a Sensitive field.
	Sensitive bool
	// ForceNew: a change can only be made by replacing the resource.
	ForceNew bool
	// Unordered string lists are compared as sets.
	Unordered bool
	// Enum restricts a String field.
	Enum []string
	// Check validates a fully known value (AWS naming rules, ranges). The
	// error text is shown after the field path.
	Check func(v any) error
	// Equal compares desired and live when plain equality is wrong (AWS
	// rewrites IAM and lifecycle JSON). Nil means structural equality.
	Equal func(want, got any) bool
	// SpecOnly fields are sent to AWS but never reported as drift: a change
	// is made only when the spec changes (OIDC thumbprints).
	SpecOnly bool
	// CreateOnly fields are sent on create and never diffed afterwards unless
	// the spec lists them in `manage` (an image owned by CD after creation).
	CreateOnly bool
	// Fields of an Object.
	Fields Schema
	// Doc is one line for the README's reference.
	Doc string
}

// Schema maps a kind's spec field names to their description.
type Schema map[string]Field

// Kind reconciles one type of AWS resource. Every method is idempotent and
// safe to retry; the engine never imports a kind, cmd/ registers them.
type Kind interface {
	// Type is the spec's type name, "service.thing" (ssm.parameter).
	Type() string
	// Schema describes the properties the spec may set.
	Schema() Schema
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
	Create(ctx context.Context, desired Props) (Observation, error)
	// Update changes the live resource in place so that the fields in
	// req.Diff match req.Desired, calling only the APIs those fields need.
	Update(ctx context.Context, req UpdateRequest) (Observation, error)
	// Delete removes the resource known by id; deleting an absent resource
	// succeeds. Dependents are already gone.
	Delete(ctx context.Context, id string) error
}

// ObserveRequest asks a kind for the live state of one resource.
type ObserveRequest struct {
	Name    string // logical name in the spec
	ID      string // physical id from the state, "" if none
	Desired Props  // nil when the resource was removed from the spec
}

// Observation is what a kind read (or made).
type Observation struct {
	Exists bool
	// ID identifies the resource for Observe and Delete on later runs, on
	// its own: a resource removed from the spec is deleted by ID alone.
	ID string
	// Props holds the live values, named as in the spec.
	Props Props
	// Attrs holds the values ${name.attr} resolves to.
	Attrs map[string]string
}

// UpdateRequest carries what Update needs to change.
type UpdateRequest struct {
	ID      string
	Desired Props
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

// SecretDigest is how a sensitive value is compared and recorded: never the
// value itself.
func SecretDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:])
}
