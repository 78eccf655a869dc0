package ssmstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/trip-assistant/stack/reconcile"
)

// DefaultLease is how long a lock holds without renewal. The holder renews
// every third of it, so two renewals may fail (throttling, a slow network)
// before the lease runs out.
const DefaultLease = 2 * time.Minute

// leaseRecord is one lease of an epoch: who holds the lock until when. The
// lock parameter holds lease 0; <lock>/<epoch>/<n> holds lease n.
type leaseRecord struct {
	reconcile.LockInfo
	// TakenFrom names the run whose expired lease this one took over.
	TakenFrom string `json:"taken_from,omitempty"`
	// Released marks the last lease of an epoch, written by Unlock before
	// it deletes the epoch's parameters. Expires then bounds how long the
	// release may take before the epoch is taken over like an expired one.
	Released bool `json:"released,omitempty"`
}

// leaseState is the lock as read: the epoch (the id of the run that created
// the lock parameter), the number of its latest lease, and that lease.
type leaseState struct {
	epoch string
	n     int
	cur   leaseRecord
}

func (l *leaseState) expired(now time.Time) bool {
	return !l.cur.Expires.IsZero() && now.After(l.cur.Expires)
}

// holding is the lock this store holds and the goroutine renewing it.
type holding struct {
	mu    sync.Mutex
	epoch string
	n     int
	info  reconcile.LockInfo // with the Expires of the latest renewal
	// validUntil is when this store stops trusting its lease: a margin
	// before Expires, for the clocks of other runs and the time a write
	// takes.
	validUntil time.Time
	// takenFrom names the run whose expired lease this one took over, ""
	// when the lock was free.
	takenFrom string
	lost      error
	stop      chan struct{}
	done      chan struct{}
}

func (s *Store) slotPath(epoch string) string    { return s.lock + "/" + epoch }
func (s *Store) slot(epoch string, n int) string { return s.slotPath(epoch) + "/" + strconv.Itoa(n) }

// Lock takes the stack's lock and keeps renewing its lease until Unlock.
//
// SSM has no compare-and-swap, so the lock is built on what it guarantees:
// PutParameter with Overwrite=false creates a name only if it is absent,
// atomically. The first run creates <prefix>/lock (lease 0 of an epoch
// named by its run id). Every later lease of the epoch is a new parameter
// <prefix>/lock/<epoch>/<n>, created the same way: a renewal by the holder
// and a takeover by another run of an expired lease n both create lease
// n+1, so exactly one of them succeeds, however many race. A live holder
// renews long before its lease expires, so a taker never even tries its
// lease; a holder that was stalled past its lease finds lease n+1 taken at
// its next renewal and stops writing the state.
func (s *Store) Lock(ctx context.Context, info reconcile.LockInfo) error {
	now := s.now().UTC()
	info.Expires = now.Add(s.lease)
	value, err := json.Marshal(leaseRecord{LockInfo: info})
	if err != nil {
		return fmt.Errorf("cannot lock %s: %w", s.stack, err)
	}
	// A lock that changes hands between our create and our read is read
	// again; a live holder is reported at once.
	for range 3 {
		err := s.create(ctx, s.lock, string(value), "reconcile lock of "+s.stack)
		var exists *types.ParameterAlreadyExists
		if err == nil {
			s.hold(ctx, info.ID, 0, info, "")
			return nil
		}
		if !errors.As(err, &exists) {
			return fmt.Errorf("cannot lock %s with SSM parameter %s: %w", s.stack, s.lock, err)
		}
		ls, err := s.readLease(ctx)
		if err != nil {
			return fmt.Errorf("cannot lock %s: it is locked, and %w", s.stack, err)
		}
		if ls == nil {
			continue
		}
		if ls.cur.ID == info.ID && !ls.cur.Released {
			// Our own create (of the lock or of a takeover lease), whose
			// answer was lost and whose retry by the SDK found it done:
			// run ids are never reused.
			if ls.cur.TakenFrom != "" {
				s.takeovers.Add(1)
			}
			s.hold(ctx, ls.epoch, ls.n, ls.cur.LockInfo, ls.cur.TakenFrom)
			return nil
		}
		now = s.now().UTC()
		if !ls.expired(now) {
			return &reconcile.LockedError{Stack: s.stack, Holder: ls.cur.LockInfo, Releasing: ls.cur.Released}
		}
		took, err := s.takeOver(ctx, ls, info)
		if err != nil {
			return err
		}
		if took {
			return nil
		}
	}
	return fmt.Errorf("cannot lock %s: the lock parameter %s changed hands three times while being taken; try again", s.stack, s.lock)
}

// takeOver claims lease n+1 of an expired epoch. It reports false when
// another run claimed it first or the epoch ended meanwhile.
func (s *Store) takeOver(ctx context.Context, ls *leaseState, info reconcile.LockInfo) (bool, error) {
	info.Since = s.now().UTC()
	info.Expires = info.Since.Add(s.lease)
	value, err := json.Marshal(leaseRecord{LockInfo: info, TakenFrom: ls.cur.ID})
	if err != nil {
		return false, err
	}
	name := s.slot(ls.epoch, ls.n+1)
	err = s.create(ctx, name, string(value), "")
	var exists *types.ParameterAlreadyExists
	if errors.As(err, &exists) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot take over the expired lock of %s (run %s) with SSM parameter %s: %w", s.stack, ls.cur.ID, name, err)
	}
	// A lease can only be created once while its epoch lives; a stale read
	// can only succeed on an epoch Unlock has deleted (it deletes the lock
	// parameter before the leases). The epoch must still be there.
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.lock)})
	var notFound *types.ParameterNotFound
	if err != nil && !errors.As(err, &notFound) {
		return false, fmt.Errorf("cannot check the lock of %s after taking it over: %w", s.stack, err)
	}
	if err == nil {
		var first leaseRecord
		if json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &first) == nil && first.ID == ls.epoch {
			s.hold(ctx, ls.epoch, ls.n+1, info, ls.cur.ID)
			s.takeovers.Add(1)
			return true, nil
		}
	}
	// The epoch ended: the lease just made belongs to no lock.
	_, _ = s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
	return false, nil
}

func (s *Store) create(ctx context.Context, name, value, description string, optFns ...func(*ssm.Options)) error {
	in := &ssm.PutParameterInput{
		Name:  aws.String(name),
		Value: aws.String(value),
		Type:  types.ParameterTypeString,
		Tier:  types.ParameterTierStandard,
	}
	if description != "" {
		in.Description = aws.String(description)
	}
	_, err := s.api.PutParameter(ctx, in, optFns...)
	return err
}

// hold records the lock as ours and starts renewing it. The renewals
// outlive ctx: a cancelled run still finishes its operations and records
// them, under the lock, until Unlock.
func (s *Store) hold(ctx context.Context, epoch string, n int, info reconcile.LockInfo, takenFrom string) {
	h := &holding{epoch: epoch, n: n, info: info, validUntil: info.Expires.Add(-s.lease / 6), takenFrom: takenFrom,
		stop: make(chan struct{}), done: make(chan struct{})}
	s.lockMu.Lock()
	old := s.held
	s.held = h
	s.lockMu.Unlock()
	if old != nil {
		old.halt()
	}
	go s.renewLoop(context.WithoutCancel(ctx), h)
}

func (h *holding) halt() {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	<-h.done
}

func (s *Store) renewLoop(ctx context.Context, h *holding) {
	defer close(h.done)
	t := time.NewTicker(s.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		if s.renew(ctx, h) {
			return
		}
	}
}

// renew creates the next lease; it reports true when the lock is lost.
func (s *Store) renew(ctx context.Context, h *holding) bool {
	h.mu.Lock()
	next, info := h.n+1, h.info
	h.mu.Unlock()
	now := s.now().UTC()
	info.Expires = now.Add(s.lease)
	value, err := json.Marshal(leaseRecord{LockInfo: info})
	if err != nil {
		return false
	}
	h.mu.Lock()
	until := h.validUntil
	h.mu.Unlock()
	// A renewal that cannot finish while the lease is trusted is too late.
	cctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	// The SDK's retryer keeps trying within that deadline, with backoffs
	// short enough for several attempts to fit in it.
	err = s.create(cctx, s.slot(h.epoch, next), string(value), "", func(o *ssm.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, s.lease/12)
	})
	var exists *types.ParameterAlreadyExists
	var ls *leaseState
	var rerr error
	if errors.As(err, &exists) {
		ls, rerr = s.readLease(cctx)
		if rerr == nil && ls != nil && ls.n == next && ls.cur.ID == info.ID && !ls.cur.Released && ls.cur.TakenFrom == "" {
			// Our renewal, whose answer was lost and whose retry found
			// it done.
			err, info = nil, ls.cur.LockInfo
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.n, h.info, h.validUntil = next, info, info.Expires.Add(-s.lease/6)
		return false
	case errors.As(err, &exists):
		who := "another run"
		if rerr == nil && ls != nil {
			who = "run " + ls.cur.ID + " (" + ls.cur.Who + ")"
			if ls.cur.Released {
				who = "an unlock of run " + ls.cur.ID
			}
		}
		h.lost = fmt.Errorf("the lock of %s was taken over by %s: this run's lease expired before it could renew it", s.stack, who)
		return true
	case s.now().After(h.validUntil):
		h.lost = fmt.Errorf("the lease on the lock of %s ran out: it could not be renewed: %w", s.stack, err)
		return true
	}
	return false
}

// checkLease fails when this store took the lock and no longer holds it:
// a state write then could overwrite what the run that took over wrote.
func (s *Store) checkLease() error {
	s.lockMu.Lock()
	h := s.held
	s.lockMu.Unlock()
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lost != nil {
		return h.lost
	}
	if s.now().After(h.validUntil) {
		return fmt.Errorf("the lease on the lock of %s ran out at %s: it could not be renewed", s.stack, h.validUntil.Format(time.RFC3339))
	}
	return nil
}

// holder is the lock this store holds, nil when none.
func (s *Store) holder() *reconcile.LockInfo {
	s.lockMu.Lock()
	h := s.held
	s.lockMu.Unlock()
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	info := h.info
	return &info
}

// Takeovers counts the expired locks this store took over.
func (s *Store) Takeovers() int { return int(s.takeovers.Load()) }

// TakenFrom names the run whose expired lease the lock this store holds
// was taken over from; "" when the lock was free or none is held.
func (s *Store) TakenFrom() string {
	s.lockMu.Lock()
	h := s.held
	s.lockMu.Unlock()
	if h == nil {
		return ""
	}
	return h.takenFrom
}

// Unlock releases the lock if its holder's id is id. The holder's own
// store stops renewing first. A release that was left halfway (its run
// killed, or the answer to one of its calls lost) is finished by calling
// Unlock again with the same id.
func (s *Store) Unlock(ctx context.Context, id string) error {
	s.lockMu.Lock()
	h := s.held
	if h != nil && h.info.ID == id {
		s.held = nil
	} else {
		h = nil
	}
	s.lockMu.Unlock()
	if h != nil {
		h.halt()
	}
	ls, err := s.readLease(ctx)
	if err != nil {
		return fmt.Errorf("cannot unlock %s: %w", s.stack, err)
	}
	if ls == nil || (ls.cur.Released && ls.cur.ID != id) {
		return fmt.Errorf("cannot unlock %s with id %s: it is not locked: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if ls.cur.ID != id {
		return fmt.Errorf("cannot unlock %s with id %s: it is locked by run %s (%s, %s, since %s): %w",
			s.stack, id, ls.cur.ID, ls.cur.Who, ls.cur.Operation, ls.cur.Since.Format("2006-01-02 15:04:05 MST"), reconcile.ErrNoLock)
	}
	release, rec := ls.n, ls.cur
	if !rec.Released || !s.now().Before(s.releaseDeadline(rec)) {
		// The release is one more lease, so it races a renewal or a
		// takeover like they race each other: if it is created, nobody
		// else can extend the epoch, and its parameters can go. A release
		// of ours left too long is released anew, for the same reason.
		if release, rec, err = s.writeRelease(ctx, ls, id); err != nil {
			return err
		}
	}
	// The lock parameter first: a run that reads a lease of this epoch
	// afterwards sees the epoch gone (see takeOver). After the release's
	// deadline a run may take the epoch over, and deleting its lock
	// parameter then would end its epoch under it: give up before.
	dctx, cancel := context.WithTimeout(ctx, s.releaseDeadline(rec).Sub(s.now()))
	defer cancel()
	_, err = s.api.DeleteParameter(dctx, &ssm.DeleteParameterInput{Name: aws.String(s.lock)})
	var notFound *types.ParameterNotFound
	if err != nil && !errors.As(err, &notFound) {
		if dctx.Err() != nil && ctx.Err() == nil {
			return fmt.Errorf("cannot unlock %s: deleting SSM parameter %s took too long; the lease of the release expires at %s and the next run after that takes the lock over: %w",
				s.stack, s.lock, rec.Expires.Format(time.RFC3339), err)
		}
		return fmt.Errorf("cannot unlock %s: cannot delete SSM parameter %s: %w", s.stack, s.lock, err)
	}
	var leases []string
	for i := 1; i <= release; i++ {
		leases = append(leases, s.slot(ls.epoch, i))
	}
	for lo := 0; lo < len(leases); lo += getBatch {
		if _, err := s.api.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: leases[lo:min(lo+getBatch, len(leases))]}); err != nil {
			return fmt.Errorf("the lock of %s is released, but its leases under %s were not all deleted: %w", s.stack, s.slotPath(ls.epoch), err)
		}
	}
	return nil
}

// releaseDeadline is when the unlocker stops trusting its release: a
// margin before its lease expires and takers may claim the epoch.
func (s *Store) releaseDeadline(rec leaseRecord) time.Time { return rec.Expires.Add(-s.lease / 6) }

// writeRelease creates the release lease after ls's latest and returns its
// number and record.
func (s *Store) writeRelease(ctx context.Context, ls *leaseState, id string) (int, leaseRecord, error) {
	rec := ls.cur
	rec.Released, rec.TakenFrom = true, ""
	rec.Expires = s.now().UTC().Add(s.lease)
	value, err := json.Marshal(rec)
	if err != nil {
		return 0, rec, err
	}
	name := s.slot(ls.epoch, ls.n+1)
	err = s.create(ctx, name, string(value), "")
	var exists *types.ParameterAlreadyExists
	if errors.As(err, &exists) {
		// Our own release, whose answer was lost and whose retry found it
		// done, or a renewal or takeover that came first.
		again, rerr := s.readLease(ctx)
		if rerr == nil && again != nil && again.epoch == ls.epoch && again.n == ls.n+1 && again.cur.ID == id && again.cur.Released {
			return again.n, again.cur, nil
		}
		return 0, rec, fmt.Errorf("cannot unlock %s with id %s: its lease was renewed or taken over meanwhile: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if err != nil {
		return 0, rec, fmt.Errorf("cannot unlock %s: cannot write SSM parameter %s: %w", s.stack, name, err)
	}
	return ls.n + 1, rec, nil
}

// ReadLock returns the holder of the latest lease, nil when unlocked.
func (s *Store) ReadLock(ctx context.Context) (*reconcile.LockInfo, error) {
	ls, err := s.readLease(ctx)
	if err != nil || ls == nil || ls.cur.Released {
		return nil, err
	}
	return &ls.cur.LockInfo, nil
}

// readLease reads the lock parameter and the latest lease of its epoch.
func (s *Store) readLease(ctx context.Context) (*leaseState, error) {
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(s.lock)})
	var notFound *types.ParameterNotFound
	if errors.As(err, &notFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the lock of %s from SSM parameter %s: %w", s.stack, s.lock, err)
	}
	ls := &leaseState{}
	if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &ls.cur); err != nil || ls.cur.ID == "" {
		return nil, fmt.Errorf("the lock of %s in SSM parameter %s is unreadable (%v); if no run holds it, delete the parameter", s.stack, s.lock, err)
	}
	ls.epoch = ls.cur.ID
	var latest string
	p := ssm.NewGetParametersByPathPaginator(s.api, &ssm.GetParametersByPathInput{Path: aws.String(s.slotPath(ls.epoch))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot read the leases of the lock of %s under %s: %w", s.stack, s.slotPath(ls.epoch), err)
		}
		for _, prm := range page.Parameters {
			n, err := strconv.Atoi(strings.TrimPrefix(aws.ToString(prm.Name), s.slotPath(ls.epoch)+"/"))
			if err != nil || n <= ls.n {
				continue
			}
			ls.n, latest = n, aws.ToString(prm.Value)
		}
	}
	if ls.n > 0 {
		var rec leaseRecord
		if err := json.Unmarshal([]byte(latest), &rec); err != nil {
			return nil, fmt.Errorf("the lease %s of the lock of %s is unreadable (%v); if no run holds it, delete the parameters under %s", s.slot(ls.epoch, ls.n), s.stack, err, s.lock)
		}
		ls.cur = rec
	}
	return ls, nil
}
