package ssmstate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

// clock is a time a test moves by hand, so leases expire without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var t0 = time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)

// leaseStore is a store on f whose clock is c, with an hour's lease: its
// renewal goroutine never ticks during a test; renewals are called by hand.
func leaseStore(f API, c *clock) *Store {
	s := NewWithAPI(f, project, env).WithLease(time.Hour)
	s.now = c.now
	return s
}

func run(id string, c *clock) reconcile.LockInfo {
	return reconcile.LockInfo{ID: id, Who: id + "@host", Since: c.now(), Operation: "apply"}
}

func lockParams(m *memSSM) []string {
	var out []string
	for _, n := range m.names() {
		if strings.HasPrefix(n, lockName) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// stopRenewals ends s's renewals as a killed run's end: the lock stays.
func stopRenewals(s *Store) {
	s.lockMu.Lock()
	h := s.held
	s.held = nil
	s.lockMu.Unlock()
	if h != nil {
		h.halt()
	}
}

const lockName = "/reconcile/trip-assistant/dev/lock"

func TestLockExpiredLeaseIsTakenOver(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	holderClock, takerClock := &clock{t: t0}, &clock{t: t0}
	holder := leaseStore(f, holderClock)
	if err := holder.Lock(ctx, run("aaaa", holderClock)); err != nil {
		t.Fatal(err)
	}
	// Before the lease ends, the lock is refused, saying when it ends.
	takerClock.add(30 * time.Minute)
	taker := leaseStore(f, takerClock)
	err := taker.Lock(ctx, run("bbbb", takerClock))
	var locked *reconcile.LockedError
	if !errors.As(err, &locked) || locked.Holder.ID != "aaaa" || !locked.Holder.Expires.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Lock() during the lease = %v, want *LockedError by aaaa expiring at %s", err, t0.Add(time.Hour))
	}
	if !strings.Contains(err.Error(), "lease expires at 2026-03-14T11:00:00Z") {
		t.Errorf("the refusal does not say when the lease expires: %v", err)
	}

	// After it, the next run takes the lock over.
	takerClock.add(31 * time.Minute)
	if err := taker.Lock(ctx, run("bbbb", takerClock)); err != nil {
		t.Fatalf("Lock() after the lease = %v, want a takeover", err)
	}
	if taker.Takeovers() != 1 {
		t.Errorf("Takeovers() = %d, want 1", taker.Takeovers())
	}
	if got, err := holder.ReadLock(ctx); err != nil || got == nil || got.ID != "bbbb" {
		t.Fatalf("ReadLock() = %v, %v; want bbbb", got, err)
	}

	// The old holder, back from its stall, cannot renew, save or unlock.
	holderClock.add(2 * time.Hour)
	h := holder.current()
	if lost := holder.renew(ctx, h); !lost {
		t.Errorf("the old holder renewed a lease that was taken over")
	}
	if err := holder.Save(ctx, realisticState(1)); err == nil || !strings.Contains(err.Error(), "taken over by run bbbb") {
		t.Errorf("Save() by the old holder = %v, want a refusal naming bbbb", err)
	}
	if err := holder.Unlock(ctx, "aaaa"); !errors.Is(err, reconcile.ErrNoLock) {
		t.Errorf("Unlock() by the old holder = %v, want ErrNoLock", err)
	}
	if err := taker.Save(ctx, realisticState(1)); err != nil {
		t.Errorf("Save() by the new holder = %v", err)
	}

	// The new holder's unlock leaves the lock parameter and its release.
	if err := taker.Unlock(ctx, "bbbb"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{lockName, lockName + "/aaaa/2"}, lockParams(m)); diff != "" {
		t.Errorf("after Unlock, lock parameters (-want +got):\n%s", diff)
	}
	if err := leaseStore(f, takerClock).Lock(ctx, run("cccc", takerClock)); err != nil {
		t.Errorf("Lock() after the unlock = %v", err)
	}
}

// A holder that renews in time keeps the lock against any number of takers.
func TestLockRenewedLeaseIsNeverTaken(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	holder := leaseStore(f, c)
	if err := holder.Lock(ctx, run("aaaa", c)); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		c.add(20 * time.Minute)
		h := holder.current()
		if lost := holder.renew(ctx, h); lost {
			t.Fatalf("renewal %d lost the lock: %v", i+1, h.lost)
		}
		err := leaseStore(f, c).Lock(ctx, run(fmt.Sprintf("t%d", i), c))
		var locked *reconcile.LockedError
		if !errors.As(err, &locked) || locked.Holder.ID != "aaaa" {
			t.Fatalf("after %d renewals, Lock() = %v, want *LockedError by aaaa", i+1, err)
		}
		if err := holder.Save(ctx, realisticState(1)); err != nil {
			t.Fatalf("Save() by the holder: %v", err)
		}
	}
	if err := holder.Unlock(ctx, "aaaa"); err != nil {
		t.Fatal(err)
	}
}

// expiredHolder returns a store that locked as "aaaa" on f, with c moved
// past the lease's end.
func expiredHolder(t *testing.T, f *fakeSSM, c *clock) *Store {
	t.Helper()
	holder := leaseStore(f, c)
	if err := holder.Lock(context.Background(), run("aaaa", c)); err != nil {
		t.Fatal(err)
	}
	c.add(61 * time.Minute)
	return holder
}

// onTakeoverClaim runs during once, just before the write by which "bbbb"
// claims the expired lease of "aaaa" reaches f.
func onTakeoverClaim(f *fakeSSM, during func(ctx context.Context)) {
	put := f.putParameter
	f.putParameter = func(ctx context.Context, in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
		if aws.ToString(in.Name) == lockName+"/aaaa/1" && strings.Contains(aws.ToString(in.Value), "bbbb") {
			f.putParameter = put
			during(ctx)
		}
		return put(ctx, in)
	}
}

// The holder comes back and renews between a taker's read of its expired
// lease and the taker's claim: the renewal and the takeover create the same
// lease, so one of them fails, and it is the taker.
func TestLockRenewalRacingATakeover(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	holder := expiredHolder(t, f, c)
	onTakeoverClaim(f, func(ctx context.Context) {
		h := holder.current()
		if lost := holder.renew(ctx, h); lost {
			t.Errorf("the holder's renewal lost: %v", h.lost)
		}
	})
	err := leaseStore(f, c).Lock(ctx, run("bbbb", c))
	var locked *reconcile.LockedError
	if !errors.As(err, &locked) || locked.Holder.ID != "aaaa" {
		t.Fatalf("Lock() racing a renewal = %v, want *LockedError by aaaa", err)
	}
	if err := holder.Save(ctx, realisticState(1)); err != nil {
		t.Errorf("Save() by the holder that renewed: %v", err)
	}
}

// A taker whose read is older than a takeover, an unlock and a new claim
// creates a lease whose number the unlock cleaned up: the create succeeds,
// but the lease is not the latest, so the taker must see that, remove it
// and not hold a second lock.
func TestLockStaleClaimOfACleanedLease(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	c := &clock{t: t0}
	expiredHolder(t, f, c)
	onTakeoverClaim(f, func(ctx context.Context) {
		other := leaseStore(f, c)
		if err := other.Lock(ctx, run("cccc", c)); err != nil {
			t.Error(err)
		}
		if err := other.Unlock(ctx, "cccc"); err != nil {
			t.Error(err)
		}
		if err := leaseStore(f, c).Lock(ctx, run("dddd", c)); err != nil {
			t.Error(err)
		}
	})
	stale := leaseStore(f, c)
	err := stale.Lock(ctx, run("bbbb", c))
	var locked *reconcile.LockedError
	if !errors.As(err, &locked) || locked.Holder.ID != "dddd" {
		t.Fatalf("Lock() from a stale read = %v, want *LockedError by dddd", err)
	}
	if stale.holder() != nil {
		t.Errorf("the stale taker holds %v", stale.holder())
	}
	want := []string{lockName, lockName + "/aaaa/2", lockName + "/aaaa/3"}
	if diff := cmp.Diff(want, lockParams(m)); diff != "" {
		t.Errorf("lock parameters (-want +got), the stale lease removed:\n%s", diff)
	}
}

// abandonRelease locks as "aaaa" on f, renews once, and unlocks as a run
// killed between writing its release and deleting its old leases does:
// the release is written, leases 0 and 1 are left.
func abandonRelease(t *testing.T, f *fakeSSM, c *clock) *Store {
	t.Helper()
	ctx := context.Background()
	holder := leaseStore(f, c)
	if err := holder.Lock(ctx, run("aaaa", c)); err != nil {
		t.Fatal(err)
	}
	h := holder.current()
	if lost := holder.renew(ctx, h); lost {
		t.Fatal(h.lost)
	}
	del := f.deleteParameters
	f.deleteParameters = func(context.Context, *ssm.DeleteParametersInput) (*ssm.DeleteParametersOutput, error) {
		return nil, errors.New("killed")
	}
	if err := holder.Unlock(ctx, "aaaa"); err == nil || !strings.Contains(err.Error(), "is released") {
		t.Fatalf("Unlock() whose clean-up failed = %v, want an error saying the lock is released", err)
	}
	f.deleteParameters = del
	return holder
}

// A run that died between writing its release and deleting its old leases
// leaves a released lock: the next run claims it at once, without waiting
// for any lease, and its unlock deletes what the dead run left.
func TestLockAbandonedRelease(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	c := &clock{t: t0}
	holder := abandonRelease(t, f, c)
	if got, err := holder.ReadLock(ctx); err != nil || got != nil {
		t.Errorf("ReadLock() of a released lock = %v, %v; want nil", got, err)
	}
	next := leaseStore(f, c)
	if err := next.Lock(ctx, run("bbbb", c)); err != nil {
		t.Fatalf("Lock() after an abandoned release = %v, want the lock at once", err)
	}
	if next.Takeovers() != 0 || next.TakenFrom() != "" {
		t.Errorf("claiming a released lock counted as a takeover: %d, %q", next.Takeovers(), next.TakenFrom())
	}
	if err := next.Unlock(ctx, "bbbb"); err != nil {
		t.Fatal(err)
	}
	want := []string{lockName, lockName + "/aaaa/4"}
	if diff := cmp.Diff(want, lockParams(m)); diff != "" {
		t.Errorf("lock parameters after the next unlock (-want +got):\n%s", diff)
	}
}

// Many runs race for one expired lock: exactly one wins, every other is
// told who won.
func TestLockManyTakersOneWins(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	if err := leaseStore(f, c).Lock(ctx, run("dead", c)); err != nil {
		t.Fatal(err)
	}
	c.add(2 * time.Hour)
	const takers = 32
	errs := make([]error, takers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range takers {
		wg.Go(func() {
			<-start
			errs[i] = leaseStore(f, c).Lock(ctx, run(fmt.Sprintf("t%02d", i), c))
		})
	}
	close(start)
	wg.Wait()
	checkOneWinner(t, errs, "t%02d")
}

// checkOneWinner checks that exactly one Lock succeeded and that every
// other was refused naming it (or, rarely, told to try again).
func checkOneWinner(t *testing.T, errs []error, idFormat string) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("runs %d and %d both hold the lock", winner, i)
		case err == nil:
			winner = i
		}
	}
	if winner < 0 {
		t.Fatalf("no run took the lock: %v", errs)
	}
	for i, err := range errs {
		var locked *reconcile.LockedError
		switch {
		case i == winner:
		case errors.As(err, &locked):
			if locked.Holder.ID != fmt.Sprintf(idFormat, winner) {
				t.Errorf("run %d was told %s holds the lock, want run %d", i, locked.Holder.ID, winner)
			}
		case err != nil && strings.Contains(err.Error(), "try again"):
		default:
			t.Errorf("run %d: %v, want *LockedError", i, err)
		}
	}
	return winner
}

// lostAnswers makes f's calls on the lock's parameters behave as the SDK
// does when AWS carries a call out and its answer is lost: the call is
// made again, and the caller gets the second answer (already exists, not
// found).
func lostAnswers(f *fakeSSM) {
	put, del := f.putParameter, f.deleteParameter
	f.putParameter = func(ctx context.Context, in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
		if strings.HasPrefix(aws.ToString(in.Name), lockName) {
			_, _ = put(ctx, in)
		}
		return put(ctx, in)
	}
	f.deleteParameter = func(ctx context.Context, in *ssm.DeleteParameterInput) (*ssm.DeleteParameterOutput, error) {
		if strings.HasPrefix(aws.ToString(in.Name), lockName) {
			_, _ = del(ctx, in)
		}
		return del(ctx, in)
	}
}

// Every write of the lock whose answer is lost and whose retry meets what
// the first attempt did is recognised as done: the lock, its renewal, a
// takeover and the release. Nothing is left behind.
func TestLockLostAnswers(t *testing.T) {
	ctx := context.Background()
	f, m := newMemSSM()
	lostAnswers(f)
	c := &clock{t: t0}
	holder := leaseStore(f, c)
	if err := holder.Lock(ctx, run("aaaa", c)); err != nil {
		t.Fatalf("Lock() whose create answer was lost = %v", err)
	}
	if got := holder.TakenFrom(); got != "" {
		t.Errorf("TakenFrom() of a free lock = %q", got)
	}
	h := holder.current()
	c.add(30 * time.Minute)
	if lost := holder.renew(ctx, h); lost {
		t.Fatalf("a renewal whose answer was lost lost the lock: %v", h.lost)
	}
	stopRenewals(holder) // killed
	c.add(2 * time.Hour)
	taker := leaseStore(f, c)
	if err := taker.Lock(ctx, run("bbbb", c)); err != nil {
		t.Fatalf("a takeover whose answer was lost = %v", err)
	}
	if got := taker.TakenFrom(); got != "aaaa" || taker.Takeovers() != 1 {
		t.Errorf("TakenFrom() = %q, Takeovers() = %d; want aaaa, 1", got, taker.Takeovers())
	}
	if err := taker.Unlock(ctx, "bbbb"); err != nil {
		t.Fatalf("Unlock() whose answers were lost = %v", err)
	}
	// The lock parameter and the release stay; the leases before it go.
	want := []string{lockName, lockName + "/aaaa/3"}
	if diff := cmp.Diff(want, lockParams(m)); diff != "" {
		t.Errorf("lock parameters after the unlock (-want +got):\n%s", diff)
	}
}

// A release left halfway (the run killed after writing it) is finished by
// an unlock with the same id, at any time; another id is told there is no
// lock.
func TestUnlockFinishesAnAbandonedRelease(t *testing.T) {
	for _, wait := range []time.Duration{0, 2 * time.Hour} {
		t.Run(wait.String(), func(t *testing.T) {
			ctx := context.Background()
			f, m := newMemSSM()
			c := &clock{t: t0}
			abandonRelease(t, f, c)
			c.add(wait)
			if err := leaseStore(f, c).Unlock(ctx, "bbbb"); !errors.Is(err, reconcile.ErrNoLock) {
				t.Errorf("Unlock() by another id = %v, want ErrNoLock", err)
			}
			if err := leaseStore(f, c).Unlock(ctx, "aaaa"); err != nil {
				t.Fatalf("Unlock() finishing the release = %v", err)
			}
			want := []string{lockName, lockName + "/aaaa/2"}
			if diff := cmp.Diff(want, lockParams(m)); diff != "" {
				t.Errorf("lock parameters left (-want +got):\n%s", diff)
			}
			if err := leaseStore(f, c).Lock(ctx, run("cccc", c)); err != nil {
				t.Errorf("Lock() after the release = %v", err)
			}
		})
	}
}

// A holder stalled past its lease whose renewal is carried out after a
// takeover, a release and its clean-up lands on a number used before: the
// create succeeds, but the lease is not the latest, so the holder must
// count its lock lost and refuse to save.
func TestLockRenewalOnACleanedLeaseIsLost(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	holder := expiredHolder(t, f, c)
	taker := leaseStore(f, c)
	if err := taker.Lock(ctx, run("bbbb", c)); err != nil {
		t.Fatal(err)
	}
	if err := taker.Unlock(ctx, "bbbb"); err != nil {
		t.Fatal(err)
	}
	h := holder.current()
	if lost := holder.renew(ctx, h); !lost {
		t.Fatal("a renewal that landed below the latest lease kept the lock")
	}
	if err := holder.Save(ctx, realisticState(1)); err == nil || !strings.Contains(err.Error(), "before its renewal was carried out") {
		t.Errorf("Save() after a late renewal = %v, want a refusal saying the lock moved on", err)
	}
}

// A claim whose check that it is the latest lease cannot be read fails,
// saying when the lease just written expires (the next run takes it over
// then), and holds nothing.
func TestLockClaimUncheckedIsNotHeld(t *testing.T) {
	ctx := context.Background()
	f, _ := newMemSSM()
	c := &clock{t: t0}
	expiredHolder(t, f, c)
	byPath := f.getByPath
	created := false
	put := f.putParameter
	f.putParameter = func(ctx context.Context, in *ssm.PutParameterInput) (*ssm.PutParameterOutput, error) {
		out, err := put(ctx, in)
		created = created || (err == nil && aws.ToString(in.Name) == lockName+"/aaaa/1")
		return out, err
	}
	f.getByPath = func(ctx context.Context, in *ssm.GetParametersByPathInput) (*ssm.GetParametersByPathOutput, error) {
		if created {
			return nil, errors.New("ThrottlingException")
		}
		return byPath(ctx, in)
	}
	taker := leaseStore(f, c)
	err := taker.Lock(ctx, run("bbbb", c))
	if err == nil || !strings.Contains(err.Error(), "just written expires at") {
		t.Fatalf("Lock() whose check failed = %v, want an error naming when the lease expires", err)
	}
	if taker.holder() != nil {
		t.Errorf("the taker holds %v after a failed check", taker.holder())
	}
}
