package fakekind

import (
	"context"
	"sync"

	"github.com/trip-assistant/stack/reconcile"
)

// Store is an in-memory StateStore that counts saves.
type Store struct {
	mu    sync.Mutex
	state *reconcile.State
	saves int
	lock  *reconcile.LockInfo
	// OnSave runs before a save is recorded; an error fails the save.
	OnSave func(s *reconcile.State) error
}

var _ reconcile.StateStore = (*Store)(nil)

// NewStore returns a store holding an empty state.
func NewStore() *Store { return &Store{state: reconcile.NewState()} }

func (s *Store) Load(ctx context.Context) (*reconcile.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.Clone(), nil
}

func (s *Store) Save(ctx context.Context, st *reconcile.State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.OnSave != nil {
		if err := s.OnSave(st); err != nil {
			return err
		}
	}
	s.saves++
	s.state = st.Clone()
	return nil
}

func (s *Store) Lock(ctx context.Context, info reconcile.LockInfo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock != nil {
		return &reconcile.LockedError{Stack: "fake", Holder: *s.lock}
	}
	s.lock = &info
	return nil
}

func (s *Store) Unlock(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil || s.lock.ID != id {
		return reconcile.ErrNoLock
	}
	s.lock = nil
	return nil
}

func (s *Store) ReadLock(ctx context.Context) (*reconcile.LockInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil, nil
	}
	l := *s.lock
	return &l, nil
}

// Saves counts successful saves.
func (s *Store) Saves() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

// State returns a copy of the last saved state.
func (s *Store) State() *reconcile.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.Clone()
}
