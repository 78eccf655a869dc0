package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// lease is one lease parameter of the stack's lock as the emulator holds
// it: the lock parameter is lease 0 of the epoch its creator names,
// <lock>/<epoch>/<n> lease n (reconcile/ssmstate's layout). Leases are
// created once and never overwritten, so what is seen once stays true.
type lease struct {
	Epoch string
	N     int
	// What the holder wrote (ssmstate's leaseRecord).
	ID        string    `json:"id"`
	Since     time.Time `json:"since"`
	Expires   time.Time `json:"expires"`
	TakenFrom string    `json:"taken_from"`
	Released  bool      `json:"released"`
}

// LockWatch polls the stack's lock parameters on the emulator itself (not
// through the fault proxy) while the runs go on, and counts double
// holders from what it sees: two runs holding a live lease at the same
// moment, or a lease taken from a run before that run's lease expired.
type LockWatch struct {
	api  *ssm.Client
	lock string // <prefix>/lock

	mu      sync.Mutex
	seen    map[string]lease // by parameter name
	pairs   map[string]bool  // "a+b": runs seen holding live leases at once
	early   map[string]bool  // leases that took a lock before it expired
	polls   int
	errs    int
	lastErr error
}

// NewLockWatch watches the lock parameters under prefix (ssmstate.Prefix).
func NewLockWatch(cfg aws.Config, prefix string) *LockWatch {
	return &LockWatch{api: ssm.NewFromConfig(cfg), lock: prefix + "/lock",
		seen: map[string]lease{}, pairs: map[string]bool{}, early: map[string]bool{}}
}

// Watch polls every interval until ctx ends.
func (w *LockWatch) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		w.Poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Poll reads the lock parameter and every lease under it once.
func (w *LockWatch) Poll(ctx context.Context) {
	at := time.Now()
	found, err := w.read(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			w.errs++
			w.lastErr = err
		}
		return
	}
	w.observe(at, found)
}

// observe records what one poll that began at at found, by parameter name.
func (w *LockWatch) observe(at time.Time, found map[string]lease) {
	w.polls++
	latest := map[string]lease{} // by epoch
	for name, l := range found {
		if _, ok := w.seen[name]; !ok {
			w.seen[name] = l
		}
		if cur, ok := latest[l.Epoch]; !ok || l.N > cur.N {
			latest[l.Epoch] = l
		}
	}
	// Holders of a live lease at this moment: the latest lease of each
	// epoch that is neither released nor expired. A lease expires when
	// its holder stops trusting it or before; a taker takes it only after.
	var live []string
	for _, l := range latest {
		if !l.Released && l.Expires.After(at) {
			live = append(live, l.ID)
		}
	}
	sort.Strings(live)
	for i := 0; i < len(live); i++ {
		for j := i + 1; j < len(live); j++ {
			if live[i] != live[j] {
				w.pairs[live[i]+"+"+live[j]] = true
			}
		}
	}
	w.checkChain()
}

// checkChain looks, in every epoch, at each lease that follows one of
// another run: it must follow that run's release, or be a takeover made
// after that lease expired.
func (w *LockWatch) checkChain() {
	for name, l := range w.seen {
		if l.N == 0 || w.early[name] {
			continue
		}
		prev, ok := w.previous(l)
		if !ok || prev.ID == l.ID || prev.Released {
			continue
		}
		if l.TakenFrom == "" || !l.Since.After(prev.Expires) {
			w.early[name] = true
		}
	}
}

// previous is the lease seen just before l in its epoch. Unlock deletes
// old leases, so one may never be seen: then nothing is judged.
func (w *LockWatch) previous(l lease) (lease, bool) {
	for _, o := range w.seen {
		if o.Epoch == l.Epoch && o.N == l.N-1 {
			return o, true
		}
	}
	return lease{}, false
}

func (w *LockWatch) read(ctx context.Context) (map[string]lease, error) {
	found := map[string]lease{}
	out, err := w.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(w.lock)})
	var nf *ssmtypes.ParameterNotFound
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return nil, err
	default:
		var l lease
		if err := json.Unmarshal([]byte(aws.ToString(out.Parameter.Value)), &l); err != nil {
			return nil, fmt.Errorf("the lock parameter %s is unreadable: %w", w.lock, err)
		}
		l.Epoch = l.ID
		found[w.lock+"@"+l.Epoch] = l
	}
	p := ssm.NewGetParametersByPathPaginator(w.api, &ssm.GetParametersByPathInput{Path: aws.String(w.lock), Recursive: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, prm := range page.Parameters {
			name := aws.ToString(prm.Name)
			epoch, num, ok := strings.Cut(strings.TrimPrefix(name, w.lock+"/"), "/")
			n, err := strconv.Atoi(num)
			if !ok || err != nil {
				continue
			}
			var l lease
			if err := json.Unmarshal([]byte(aws.ToString(prm.Value)), &l); err != nil {
				return nil, fmt.Errorf("the lease %s is unreadable: %w", name, err)
			}
			l.Epoch, l.N = epoch, n
			found[name] = l
		}
	}
	return found, nil
}

// Held reads the lock's parameters once and reports whether a run holds
// the lock: the latest lease of the lock parameter's epoch is not a
// release (expired or not: a killed run's lease is held until taken over).
func (w *LockWatch) Held(ctx context.Context) (bool, error) {
	found, err := w.read(ctx)
	if err != nil {
		return false, err
	}
	return heldIn(found, w.lock), nil
}

// heldIn says whether the latest lease of the epoch the lock parameter
// names, among found, is held.
func heldIn(found map[string]lease, lock string) bool {
	var first *lease
	for name, l := range found {
		if strings.HasPrefix(name, lock+"@") {
			first = &l
		}
	}
	if first == nil {
		return false
	}
	latest := *first
	for _, l := range found {
		if l.Epoch == first.Epoch && l.N > latest.N {
			latest = l
		}
	}
	return !latest.Released
}

// LockFigures is what a watch saw.
type LockFigures struct {
	Polls, Errors int
	Leases        int // distinct lease parameters seen
	Takeovers     int // leases that took an expired lock from another run
	// DoubleHolders counts the pairs of runs seen holding live leases at
	// the same moment, plus the leases that took a lock before it expired.
	DoubleHolders int
	Details       []string
}

// Figures returns what the watch saw so far.
func (w *LockWatch) Figures() LockFigures {
	w.mu.Lock()
	defer w.mu.Unlock()
	f := LockFigures{Polls: w.polls, Errors: w.errs, Leases: len(w.seen)}
	for _, l := range w.seen {
		if l.TakenFrom != "" {
			f.Takeovers++
		}
	}
	for p := range w.pairs {
		f.Details = append(f.Details, "runs "+strings.Replace(p, "+", " and ", 1)+" held live leases at the same moment")
	}
	for name := range w.early {
		l := w.seen[name]
		prev, _ := w.previous(l)
		f.Details = append(f.Details, fmt.Sprintf("lease %s of run %s (taken from %q at %s) follows run %s's lease, which expired at %s",
			name, l.ID, l.TakenFrom, l.Since.Format(time.RFC3339Nano), prev.ID, prev.Expires.Format(time.RFC3339Nano)))
	}
	sort.Strings(f.Details)
	f.DoubleHolders = len(w.pairs) + len(w.early)
	if w.lastErr != nil {
		f.Details = append(f.Details, fmt.Sprintf("%d polls failed, the last: %v", w.errs, w.lastErr))
	}
	return f
}
