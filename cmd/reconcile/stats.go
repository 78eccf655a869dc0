package main

import (
	"context"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/reconcile"
)

// timedStore times every state operation as a phase of the run's stats:
// state writes happen behind a parallel apply, so their count and time are
// what tells whether the coalescing works.
type timedStore struct {
	reconcile.StateStore
	stats *awsclient.Stats
}

func (s timedStore) Load(ctx context.Context) (*reconcile.State, error) {
	defer s.stats.Phase("state read")()
	return s.StateStore.Load(awsclient.WithPhase(ctx, "state read"))
}

func (s timedStore) Save(ctx context.Context, st *reconcile.State) error {
	defer s.stats.Phase("state write")()
	return s.StateStore.Save(awsclient.WithPhase(ctx, "state write"), st)
}

func (s timedStore) Lock(ctx context.Context, info reconcile.LockInfo) error {
	defer s.stats.Phase("lock")()
	return s.StateStore.Lock(awsclient.WithPhase(ctx, "lock"), info)
}

func (s timedStore) Unlock(ctx context.Context, id string) error {
	defer s.stats.Phase("unlock")()
	return s.StateStore.Unlock(awsclient.WithPhase(ctx, "unlock"), id)
}
