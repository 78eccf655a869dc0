package reconcile

import (
	"fmt"
	"strings"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// FormatVersion is the version of the JSON plan schema (README.md, "The JSON plan").
const FormatVersion = "1"

// Action is what apply will do to one resource.
type Action string

const (
	NoOp    Action = "no-op"
	Create  Action = "create"
	Update  Action = "update"  // in place
	Replace Action = "replace" // delete, then create
	Delete  Action = "delete"
	Import  Action = "import" // exists and matches the spec, not yet in the state
	// Move renames a record in the state (the spec's moved:), AWS untouched.
	Move Action = "move"
)

// Symbol is the terraform-like mark of an action.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Update:
		return "~"
	case Replace:
		return "-/+"
	case Delete:
		return "-"
	case Import:
		return "<="
	case Move:
		return "->"
	}
	return "="
}

// Class says why a resource differs: the answer to "who changed what".
type Class string

const (
	Unchanged         Class = ""
	NewInSpec         Class = "new_in_spec"
	SpecChanged       Class = "spec_changed"
	OutOfBand         Class = "out_of_band_change"
	DeletedOutOfBand  Class = "deleted_out_of_band"
	RemovedFromSpec   Class = "removed_from_spec"
	Adopted           Class = "adopted" // existed in AWS, not in the state
	DependencyChanged Class = "dependency_changed"
	Destroying        Class = "destroy"
	Moved             Class = "moved"             // renamed in the spec by moved:
	ReplaceRequested  Class = "replace_requested" // --replace
)

// Describe is the class as a plan shows it.
func (c Class) Describe() string {
	switch c {
	case NewInSpec:
		return "new in spec"
	case SpecChanged:
		return "spec changed"
	case OutOfBand:
		return "out-of-band change"
	case DeletedOutOfBand:
		return "deleted out of band"
	case RemovedFromSpec:
		return "removed from spec"
	case Adopted:
		return "exists, never applied by this stack: adopting"
	case DependencyChanged:
		return "a dependency changes"
	case Destroying:
		return "destroy"
	case Moved:
		return "moved"
	case ReplaceRequested:
		return "replace requested (--replace)"
	}
	return ""
}

// IsDrift reports whether the class is a change made outside the spec.
func (c Class) IsDrift() bool { return c == OutOfBand || c == DeletedOutOfBand }

// Change is the plan for one resource.
type Change struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	ID      string   `json:"id,omitempty"`
	Action  Action   `json:"action"`
	Class   Class    `json:"class,omitempty"`
	Diff    Diff     `json:"diff,omitempty"`
	Deps    []string `json:"depends_on,omitempty"`
	Protect bool     `json:"protect,omitempty"`
	// Data marks a read-only reference (the spec's data: section).
	Data bool `json:"data,omitempty"`
	// MovedFrom is the name the state records the resource under, which
	// the spec's moved: renames to Name.
	MovedFrom string `json:"moved_from,omitempty"`
	// NotCompared lists the fields left out of the comparison because an
	// input they use is unset: the plan cannot be applied.
	NotCompared []NotCompared `json:"not_compared,omitempty"`

	// The rest is what apply needs beyond the JSON plan of format 1. It is
	// data, safe to keep: secrets appear only as Secret digests.

	// InSpec is false for a resource only the state knows (removed from
	// the spec, or the old record of a type change).
	InSpec bool `json:"-"`
	// StateStale: a no-op whose state record apply must refresh.
	StateStale bool `json:"-"`
	// Desired holds the props planned from the spec (Unknown where only
	// apply can tell), nil for a resource removed from the spec.
	Desired spec.Props `json:"-"`
	// Live is what Observe read.
	Live Observation `json:"-"`
}

// DisplayID is what names the resource in AWS: its physical id, or for one
// not yet made, the name the spec gives it.
func (c *Change) DisplayID() string {
	if c.ID != "" {
		return c.ID
	}
	if n, ok := c.Desired["name"].(string); ok {
		return n
	}
	return ""
}

// Unmanaged is a resource carrying the stack's naming prefix that the state
// does not know: reported, never touched.
type Unmanaged struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Plan is a pure value: what apply would do, and why. It holds no kinds,
// no spec and no secrets, so it can be kept and applied later.
type Plan struct {
	FormatVersion string      `json:"format_version"`
	Stack         string      `json:"stack"`
	Region        string      `json:"region"`
	Destroy       bool        `json:"destroy,omitempty"`
	Changes       []*Change   `json:"changes"`
	Unmanaged     []Unmanaged `json:"unmanaged,omitempty"`
	// UnmanagedSkipped: the plan did not look for unmanaged resources
	// (--skip-unmanaged), so Unmanaged being empty says nothing.
	UnmanagedSkipped bool `json:"unmanaged_skipped,omitempty"`
	// Neighbours counts, by stack, the resources with the stack's prefix
	// that another stack of this tool owns: never listed as unmanaged.
	Neighbours map[string]int `json:"neighbours,omitempty"`
	Outputs    map[string]any `json:"outputs,omitempty"`
	// Targets are the --target names a targeted plan covers, with what
	// they need; Excluded names every resource it leaves out, untouched.
	Targets  []string `json:"targets,omitempty"`
	Excluded []string `json:"excluded,omitempty"`
	// Errors make the plan impossible to apply (deleting a protected
	// resource, a resource that cannot be observed).
	Errors []string `json:"errors,omitempty"`

	// SpecDigest and StateSerial name what the plan was made from: apply
	// refuses a spec or a state that is not the one planned.
	SpecDigest  string `json:"-"`
	StateSerial int64  `json:"-"`
}

// Summary counts the plan's changes.
type Summary struct {
	Add       int `json:"add"`
	Change    int `json:"change"`
	Destroy   int `json:"destroy"`
	Import    int `json:"import"`
	Move      int `json:"move,omitempty"` // omitted when 0: plans of format 1 before moved: had none
	Unchanged int `json:"unchanged"`
	Drift     int `json:"drift"`
}

// Summary counts actions and drift.
func (p *Plan) Summary() Summary {
	var s Summary
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			s.Add++
		case Update:
			s.Change++
		case Replace:
			s.Add++
			s.Destroy++
		case Delete:
			s.Destroy++
		case Import:
			s.Import++
		case Move:
			s.Move++
		default:
			s.Unchanged++
		}
		if c.Class.IsDrift() {
			s.Drift++
		}
	}
	return s
}

// HasChanges reports whether apply would change AWS or the state.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp {
			return true
		}
	}
	return false
}

// NeedsStateWrite reports whether apply would only refresh the state's
// records (a resource's protect flag or dependencies changed, or the spec
// now says what already exists): no AWS resource changes.
func (p *Plan) NeedsStateWrite() bool {
	for _, c := range p.Changes {
		if c.StateStale {
			return true
		}
	}
	return false
}

// Err returns the plan's errors as one error, nil when it can be applied.
func (p *Plan) Err() error {
	if len(p.Errors) == 0 {
		return nil
	}
	return fmt.Errorf("the plan cannot be applied:\n  %s", strings.Join(p.Errors, "\n  "))
}

// Change returns the change for a logical name, nil if none.
func (p *Plan) Change(name string) *Change {
	for _, c := range p.Changes {
		if c.Name == name {
			return c
		}
	}
	return nil
}
