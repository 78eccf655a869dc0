package kindkit

import "sync"

// PlanListing holds what one plan listed of the account, a T that guards
// its own fields (a sync.Once or a mutex): made by its first reader and
// shared by every reader until BeginPlan drops it, so no plan answers from
// an earlier plan's listing (reconcile.PlanScoped). Calls already reading
// keep the T they got. The zero value is ready; safe for concurrent use.
type PlanListing[T any] struct {
	mu    sync.Mutex
	cur   *T
	began bool // a plan has begun
}

// BeginPlan drops the listing: the next reader starts a new one. Never call
// it while a plan observes.
func (l *PlanListing[T]) BeginPlan() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cur, l.began = nil, true
}

// Current returns the listing, making an empty one on first use, whether a
// plan has begun or not.
func (l *PlanListing[T]) Current() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur == nil {
		l.cur = new(T)
	}
	return l.cur
}

// InPlan returns the plan's listing, as Current, and true once a plan has
// begun. Before that it returns a new T that nobody keeps and false, so a
// kind used outside the engine's plans always reads the account as it is.
func (l *PlanListing[T]) InPlan() (*T, bool) {
	l.mu.Lock()
	began := l.began
	l.mu.Unlock()
	if !began {
		return new(T), false
	}
	return l.Current(), true
}
