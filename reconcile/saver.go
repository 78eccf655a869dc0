package reconcile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Saver writes the state behind the operations: at most one write is in
// flight, and every operation that finishes while it runs is carried by
// the next one. Each operation is recorded as soon as a write can start,
// and bursts of parallel operations share writes (SSM's write quota is low
// and shared by the whole account).
type Saver struct {
	store   StateStore
	ctx     context.Context
	mu      sync.Mutex
	pending *State
	serial  int64
	kick    chan struct{}
	done    chan struct{}
	err     error
}

// NewSaver starts a saver whose next serial follows s.Serial.
func NewSaver(ctx context.Context, store StateStore, s *State) *Saver {
	sv := &Saver{store: store, ctx: ctx, serial: s.Serial, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go sv.loop()
	return sv
}

// Dirty schedules a save of s; the caller holds the lock guarding s.
func (sv *Saver) Dirty(s *State) {
	sv.mu.Lock()
	sv.pending = s.Clone()
	sv.mu.Unlock()
	select {
	case sv.kick <- struct{}{}:
	default:
	}
}

func (sv *Saver) loop() {
	defer close(sv.done)
	for range sv.kick {
		sv.mu.Lock()
		s := sv.pending
		sv.pending = nil
		sv.mu.Unlock()
		if s == nil {
			continue
		}
		sv.serial++
		s.Serial = sv.serial
		s.Time = time.Now().UTC()
		if err := sv.store.Save(sv.ctx, s); err != nil {
			sv.mu.Lock()
			sv.err = errors.Join(sv.err, err)
			sv.mu.Unlock()
		}
	}
}

// Close flushes what is pending and returns the first write error.
func (sv *Saver) Close(final *State) error {
	close(sv.kick)
	<-sv.done
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.pending != nil {
		s := sv.pending
		sv.serial++
		s.Serial = sv.serial
		s.Time = time.Now().UTC()
		if err := sv.store.Save(sv.ctx, s); err != nil {
			sv.err = errors.Join(sv.err, err)
		}
	}
	final.Serial = sv.serial
	if sv.err != nil {
		return fmt.Errorf("cannot record the state: %w", sv.err)
	}
	return nil
}
