package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// State is what the stack manages: one record per project and environment.
type State struct {
	Serial      int64     `json:"-"`
	SpecDigest  string    `json:"-"`
	ToolVersion string    `json:"-"`
	Time        time.Time `json:"-"`
	// Resources by logical name.
	Resources map[string]StateResource `json:"r"`
}

// StateResource records one managed resource. Field names are short: the
// record must hold 500 resources within SSM's value limits.
type StateResource struct {
	Type string `json:"t"`
	ID   string `json:"i"`
	// Digest of the desired props this resource was last applied with, to
	// tell a spec change from an out-of-band change.
	Digest  string   `json:"d,omitempty"`
	Protect bool     `json:"p,omitempty"`
	Deps    []string `json:"n,omitempty"` // logical names it depends on, to delete in order once gone from the spec
	// Extra holds values a command records beyond the spec (the image and
	// version `reconcile deploy` last deployed).
	Extra map[string]string `json:"x,omitempty"`
}

// NewState returns an empty state.
func NewState() *State { return &State{Resources: map[string]StateResource{}} }

// Clone returns a deep copy safe to save while the original changes.
func (s *State) Clone() *State {
	c := *s
	c.Resources = make(map[string]StateResource, len(s.Resources))
	for k, v := range s.Resources {
		v.Deps = append([]string(nil), v.Deps...)
		if v.Extra != nil {
			x := make(map[string]string, len(v.Extra))
			for ek, ev := range v.Extra {
				x[ek] = ev
			}
			v.Extra = x
		}
		c.Resources[k] = v
	}
	return &c
}

// LockInfo says who holds a stack's lock.
type LockInfo struct {
	ID        string    `json:"id"`
	Who       string    `json:"who"`
	Since     time.Time `json:"since"`
	Operation string    `json:"operation"`
	// Expires is when the holder's lease ends unless it renews it; after
	// that the next run may take the lock over. Zero: no lease (a store
	// without one, or a lock written by an older reconcile), held until
	// unlocked.
	Expires time.Time `json:"expires,omitzero"`
}

// LockedError is returned when another run holds the lock.
type LockedError struct {
	Stack  string
	Holder LockInfo
}

func (e *LockedError) Error() string {
	now := time.Now()
	ago := now.Sub(e.Holder.Since).Round(time.Second)
	msg := fmt.Sprintf("the stack %s is locked by run %s (%s, %s, since %s, %s ago)",
		e.Stack, e.Holder.ID, e.Holder.Who, e.Holder.Operation, e.Holder.Since.Format(time.RFC3339), ago)
	in := max(0, e.Holder.Expires.Sub(now)).Round(time.Second)
	if !e.Holder.Expires.IsZero() {
		msg += fmt.Sprintf("; its lease expires at %s (in %s) unless that run renews it, and the next run after that takes the lock over",
			e.Holder.Expires.Format(time.RFC3339), in)
	}
	return msg
}

// ErrNoLock is returned by Unlock when no lock with that id is held.
var ErrNoLock = errors.New("no such lock")

// StateStore keeps a stack's state and lock.
type StateStore interface {
	// Load returns the recorded state, or an empty one if none exists.
	Load(ctx context.Context) (*State, error)
	// Save records state with Serial, SpecDigest, ToolVersion and Time as
	// metadata. It must be safe to call after every resource operation.
	Save(ctx context.Context, s *State) error
	// Lock takes the stack's lock atomically or returns *LockedError.
	Lock(ctx context.Context, info LockInfo) error
	// Unlock releases the lock if its id is id; ErrNoLock otherwise.
	Unlock(ctx context.Context, id string) error
	// ReadLock returns the current holder, nil if unlocked.
	ReadLock(ctx context.Context) (*LockInfo, error)
}

// OutputStore is implemented by state stores that also keep the outputs of
// the last successful apply, so `reconcile outputs` (and CD) can read them
// without reading every resource — or needing the permissions to.
type OutputStore interface {
	SaveOutputs(ctx context.Context, outputs map[string]string) error
	// LoadOutputs returns nil when no apply has recorded outputs.
	LoadOutputs(ctx context.Context) (map[string]string, error)
}
