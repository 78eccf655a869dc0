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

// leaseRecord is one lease of the lock: who holds it until when. The lock
// parameter holds lease 0; <lock>/<epoch>/<n> holds lease n.
type leaseRecord struct {
	reconcile.LockInfo
	// TakenFrom names the run whose expired lease this one took over.
	TakenFrom string `json:"taken_from,omitempty"`
	// Released marks a lease that ends its holder's turn: written by
	// Unlock, it frees the lock at once, and the next run claims the
	// lease after it. Expires is then when it was released.
	Released bool `json:"released,omitempty"`
}

// leaseState is the lock as read: the epoch (the id of the run that created
// the lock parameter), the number of its latest lease and that lease, and
// the numbers of the leases before it still stored.
type leaseState struct {
	epoch   string
	n       int
	cur     leaseRecord
	earlier []int
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
// atomically. The first run of a stack creates <prefix>/lock, lease 0 of a
// chain named by its run id (the epoch). Every later lease is a new
// parameter <prefix>/lock/<epoch>/<n>, created the same way: a renewal by
// the holder, a takeover by another run of an expired lease n, a release by
// the holder and a claim by the next run of a released lease all create
// lease n+1, so exactly one of them succeeds, however many race. The chain
// never ends: nothing deletes the lock parameter, so no run can be left
// holding a lease of a lock that is gone. A live holder renews long before
// its lease expires, so a taker never even tries its lease; a holder that
// was stalled past its lease finds lease n+1 taken at its next renewal and
// stops writing the state.
func (s *Store) Lock(ctx context.Context, info reconcile.LockInfo) error {
	info.Expires = s.now().UTC().Add(s.lease)
	// A lock that changes hands between our read and our create is read
	// again; a live holder is reported at once.
	for range 3 {
		ls, err := s.readLease(ctx)
		if err != nil {
			return fmt.Errorf("cannot lock %s: %w", s.stack, err)
		}
		if ls == nil {
			// The stack's first lock: lease 0 is the lock parameter.
			took, err := s.createFirst(ctx, info)
			if took || err != nil {
				return err
			}
			continue
		}
		if ls.cur.ID == info.ID && !ls.cur.Released {
			// Our own create (of the lock or of a lease), whose answer was
			// lost and whose retry by the SDK found it done: run ids are
			// never reused.
			if ls.cur.TakenFrom != "" {
				s.takeovers.Add(1)
			}
			s.hold(ctx, ls.epoch, ls.n, ls.cur.LockInfo, ls.cur.TakenFrom)
			return nil
		}
		var from string
		switch {
		case ls.cur.Released:
		case ls.expired(s.now().UTC()):
			from = ls.cur.ID
		default:
			return &reconcile.LockedError{Stack: s.stack, Holder: ls.cur.LockInfo}
		}
		took, err := s.claim(ctx, ls, info, from)
		if took || err != nil {
			return err
		}
	}
	return fmt.Errorf("cannot lock %s: the lock parameter %s changed hands three times while being taken; try again", s.stack, s.lock)
}

// createFirst creates the lock parameter, lease 0 of the chain info.ID
// names. It reports false when another run created it first.
func (s *Store) createFirst(ctx context.Context, info reconcile.LockInfo) (bool, error) {
	value, err := json.Marshal(leaseRecord{LockInfo: info})
	if err != nil {
		return false, fmt.Errorf("cannot lock %s: %w", s.stack, err)
	}
	err = s.create(ctx, s.lock, string(value), "reconcile lock of "+s.stack)
	var exists *types.ParameterAlreadyExists
	switch {
	case errors.As(err, &exists):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("cannot lock %s with SSM parameter %s: %w", s.stack, s.lock, err)
	}
	s.hold(ctx, info.ID, 0, info, "")
	return true, nil
}

// claim creates lease n+1 after ls's latest: a takeover of an expired
// lease of the run from, or, with from "", the claim of a released lock.
// It reports false when another run created that lease first, or when the
// lease turns out not to be the latest.
func (s *Store) claim(ctx context.Context, ls *leaseState, info reconcile.LockInfo, from string) (bool, error) {
	info.Since = s.now().UTC()
	info.Expires = info.Since.Add(s.lease)
	value, err := json.Marshal(leaseRecord{LockInfo: info, TakenFrom: from})
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
		if from != "" {
			return false, fmt.Errorf("cannot take over the expired lock of %s (run %s) with SSM parameter %s: %w", s.stack, from, name, err)
		}
		return false, fmt.Errorf("cannot lock %s with SSM parameter %s: %w", s.stack, name, err)
	}
	latest, err := s.isLatest(ctx, ls.epoch, ls.n+1)
	if err != nil {
		return false, fmt.Errorf("cannot lock %s: %w; the lease %s just written expires at %s", s.stack, err, name, info.Expires.Format(time.RFC3339))
	}
	if !latest {
		// A claim made from a read older than leases an unlock has since
		// cleaned up: the number was free again, but the lock moved on.
		_, _ = s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
		return false, nil
	}
	if from != "" {
		s.takeovers.Add(1)
	}
	s.hold(ctx, ls.epoch, ls.n+1, info, from)
	return true, nil
}

// isLatest says whether lease n is the latest of the epoch. A lease is
// trusted only once this is checked after creating it: Unlock deletes the
// leases before its release, so a create from a stale read can succeed on
// a number used before, and only a later lease then shows the lock moved
// on.
func (s *Store) isLatest(ctx context.Context, epoch string, n int) (bool, error) {
	latest, _, _, err := s.latestLease(ctx, epoch)
	if err != nil {
		return false, err
	}
	return latest == n, nil
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
	moved := false
	switch {
	case errors.As(err, &exists):
		ls, rerr = s.readLease(cctx)
		if rerr == nil && ls != nil && ls.n == next && ls.cur.ID == info.ID && !ls.cur.Released && ls.cur.TakenFrom == "" {
			// Our renewal, whose answer was lost and whose retry found
			// it done.
			err, info = nil, ls.cur.LockInfo
		}
	case err == nil:
		// A renewal carried out late can land on a number a takeover
		// used and an unlock cleaned up since: it counts only if it is
		// the latest lease.
		latest, lerr := s.isLatest(cctx, h.epoch, next)
		switch {
		case lerr != nil:
			err = lerr // tried again at the next tick while the lease holds
		case !latest:
			moved = true
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case moved:
		h.lost = fmt.Errorf("the lock of %s was taken over by another run: this run's lease expired before its renewal was carried out", s.stack)
		return true
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

// current is the lock this store holds, nil when none.
func (s *Store) current() *holding {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	return s.held
}

// checkLease fails when this store took the lock and no longer holds it:
// a state write then could overwrite what the run that took over wrote.
func (s *Store) checkLease() error {
	h := s.current()
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
	h := s.current()
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
	h := s.current()
	if h == nil {
		return ""
	}
	return h.takenFrom
}

// Unlock releases the lock if its holder's id is id. The holder's own
// store stops renewing first. The release is one more lease, marked
// released, so it races a renewal or a takeover like they race each other;
// once it exists the next run claims the lock at once. Then the leases
// before it are deleted; the lock parameter and the release stay, so the
// chain never ends under a run that read it. A release whose clean-up was
// cut short (its run killed, an answer lost) is finished by calling Unlock
// again with the same id, or by the next run's unlock.
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
	if ls == nil || (ls.cur.Released && (ls.cur.ID != id || len(ls.earlier) == 0)) {
		return fmt.Errorf("cannot unlock %s with id %s: it is not locked: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if ls.cur.ID != id {
		return fmt.Errorf("cannot unlock %s with id %s: it is locked by run %s (%s, %s, since %s): %w",
			s.stack, id, ls.cur.ID, ls.cur.Who, ls.cur.Operation, ls.cur.Since.Format("2006-01-02 15:04:05 MST"), reconcile.ErrNoLock)
	}
	if !ls.cur.Released {
		if err := s.writeRelease(ctx, ls, id); err != nil {
			return err
		}
	}
	// Every lease before the release: none can be extended any more.
	var leases []string
	for _, n := range ls.earlier {
		leases = append(leases, s.slot(ls.epoch, n))
	}
	if !ls.cur.Released && ls.n > 0 {
		leases = append(leases, s.slot(ls.epoch, ls.n))
	}
	for lo := 0; lo < len(leases); lo += getBatch {
		if _, err := s.api.DeleteParameters(ctx, &ssm.DeleteParametersInput{Names: leases[lo:min(lo+getBatch, len(leases))]}); err != nil {
			return fmt.Errorf("the lock of %s is released, but its old leases under %s were not all deleted (the next unlock deletes them): %w", s.stack, s.slotPath(ls.epoch), err)
		}
	}
	return nil
}

// writeRelease creates the release lease after ls's latest.
func (s *Store) writeRelease(ctx context.Context, ls *leaseState, id string) error {
	rec := ls.cur
	rec.Released, rec.TakenFrom = true, ""
	rec.Expires = s.now().UTC()
	value, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	name := s.slot(ls.epoch, ls.n+1)
	err = s.create(ctx, name, string(value), "")
	var exists *types.ParameterAlreadyExists
	if errors.As(err, &exists) {
		// Our own release, whose answer was lost and whose retry found it
		// done, or a takeover that came first.
		again, rerr := s.readLease(ctx)
		if rerr == nil && again != nil && again.epoch == ls.epoch && again.n == ls.n+1 && again.cur.ID == id && again.cur.Released {
			return nil
		}
		return fmt.Errorf("cannot unlock %s with id %s: its lease was taken over meanwhile: %w", s.stack, id, reconcile.ErrNoLock)
	}
	if err != nil {
		return fmt.Errorf("cannot unlock %s: cannot write SSM parameter %s: %w", s.stack, name, err)
	}
	return nil
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
	n, latest, earlier, err := s.latestLease(ctx, ls.epoch)
	if err != nil {
		return nil, err
	}
	ls.n, ls.earlier = n, earlier
	if n > 0 {
		var rec leaseRecord
		if err := json.Unmarshal([]byte(latest), &rec); err != nil {
			return nil, fmt.Errorf("the lease %s of the lock of %s is unreadable (%v); if no run holds it, delete the parameters under %s", s.slot(ls.epoch, n), s.stack, err, s.lock)
		}
		ls.cur = rec
	}
	return ls, nil
}

// latestLease lists the leases of epoch: the number of the latest (0, the
// lock parameter, when there is none) and its value, and the numbers of
// the others.
func (s *Store) latestLease(ctx context.Context, epoch string) (n int, value string, earlier []int, err error) {
	p := ssm.NewGetParametersByPathPaginator(s.api, &ssm.GetParametersByPathInput{Path: aws.String(s.slotPath(epoch))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, "", nil, fmt.Errorf("cannot read the leases of the lock of %s under %s: %w", s.stack, s.slotPath(epoch), err)
		}
		for _, prm := range page.Parameters {
			i, err := strconv.Atoi(strings.TrimPrefix(aws.ToString(prm.Name), s.slotPath(epoch)+"/"))
			switch {
			case err != nil || i <= 0:
			case i > n:
				if n > 0 {
					earlier = append(earlier, n)
				}
				n, value = i, aws.ToString(prm.Value)
			default:
				earlier = append(earlier, i)
			}
		}
	}
	return n, value, earlier, nil
}
