package awsclient

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"syscall"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// processStart is as close to the start of the process as Go lets a
// package see: package variables are initialised before main runs, after
// the runtime has started. The time to the first AWS call is measured from
// here.
var processStart = time.Now()

// Stats counts the AWS calls of a run by service and operation and times
// its phases. It is safe for concurrent use; the zero value is not, use
// NewStats.
type Stats struct {
	mu        sync.Mutex
	calls     map[string]int // "service:Operation" -> HTTP attempts
	errors    map[string]int // attempts that ended in an error (throttles included)
	firstCall time.Duration  // since processStart; 0 while no call was made
	// firstCallCPU is the CPU the process had used, every thread and the
	// kernel's work for it since exec included, when the first call left:
	// unlike the wall time it does not grow when other processes hold the
	// machine's cores.
	firstCallCPU time.Duration
	phases       []*phase
	byName       map[string]*phase
	own          map[string]int // calls made under a context tagged with a phase
}

type phaseKey struct{}

// WithPhase tags ctx so the calls made under it count as the named phase's
// own, apart from the calls others make while it runs.
func WithPhase(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, phaseKey{}, name)
}

type phase struct {
	name     string
	elapsed  time.Duration
	count    int // how many times the phase ran (state writes run many times)
	calls    int // API calls made while it ran
	inFlight int
	started  time.Time
	callsAt  int
}

// NewStats returns empty statistics.
func NewStats() *Stats {
	return &Stats{calls: map[string]int{}, errors: map[string]int{}, byName: map[string]*phase{}, own: map[string]int{}}
}

// Phase starts timing the named phase and returns the function that stops
// it. A phase may run many times and overlap itself (state writes during a
// parallel apply): its time is the wall time during which at least one run
// was in progress, and its calls are those made meanwhile by anyone.
func (s *Stats) Phase(name string) (stop func()) {
	if s == nil {
		return func() {}
	}
	s.mu.Lock()
	p := s.byName[name]
	if p == nil {
		p = &phase{name: name}
		s.byName[name] = p
		s.phases = append(s.phases, p)
	}
	p.count++
	if p.inFlight == 0 {
		p.started = time.Now()
		p.callsAt = s.totalLocked()
	}
	p.inFlight++
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			p.inFlight--
			if p.inFlight == 0 {
				p.elapsed += time.Since(p.started)
				p.calls += s.totalLocked() - p.callsAt
			}
		})
	}
}

func (s *Stats) totalLocked() int {
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

func (s *Stats) record(ctx context.Context, service, operation string, err error) {
	key := service + ":" + operation
	s.mu.Lock()
	defer s.mu.Unlock()
	if name, ok := ctx.Value(phaseKey{}).(string); ok {
		s.own[name]++
	}
	s.calls[key]++
	if err != nil {
		s.errors[key]++
	}
}

// middleware counts every HTTP attempt: it sits at the end of the Finalize
// step, after the retryer, so a throttled call retried three times counts
// four times, as it does against the account's quota.
func (s *Stats) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("reconcileStats",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			s.mu.Lock()
			if s.firstCall == 0 {
				// The time of the first request, not of its answer.
				s.firstCall = time.Since(processStart)
				s.firstCallCPU = processCPU()
			}
			s.mu.Unlock()
			out, md, err := next.HandleFinalize(ctx, in)
			s.record(ctx, awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), err)
			return out, md, err
		}), middleware.After)
}

// Report is a snapshot of the statistics, as --output json carries them.
type Report struct {
	// Calls is the number of API requests sent, retries included.
	Calls int `json:"api_calls"`
	// Errors counts requests that failed (throttles, not-found reads).
	Errors int `json:"api_errors"`
	// ByOperation maps "service:Operation" to its request count.
	ByOperation map[string]int `json:"by_operation"`
	// FirstCallMS is the time from process start to the first request.
	FirstCallMS float64 `json:"first_call_ms,omitempty"`
	// FirstCallCPUMS is the CPU time (user and system, all threads) the
	// process had used since exec when it sent its first request.
	FirstCallCPUMS float64       `json:"first_call_cpu_ms,omitempty"`
	Phases         []PhaseReport `json:"phases"`
	// MaxRSSKB is the peak resident memory of this process so far.
	MaxRSSKB int64 `json:"max_rss_kb,omitempty"`
}

// PhaseReport is the time and calls of one phase.
type PhaseReport struct {
	Name string  `json:"name"`
	MS   float64 `json:"ms"`
	Runs int     `json:"runs"`
	// Calls are all the calls made while the phase ran, by anyone.
	Calls int `json:"api_calls"`
	// OwnCalls are the calls the phase made itself (a context tagged
	// WithPhase); absent for phases that do not tag.
	OwnCalls int `json:"own_api_calls,omitempty"`
}

// Report returns a snapshot; phases still running count up to now.
func (s *Stats) Report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{ByOperation: map[string]int{}, Phases: []PhaseReport{}}
	for k, n := range s.calls {
		r.ByOperation[k] = n
		r.Calls += n
	}
	for _, n := range s.errors {
		r.Errors += n
	}
	if s.firstCall > 0 {
		r.FirstCallMS = ms(s.firstCall)
		r.FirstCallCPUMS = ms(s.firstCallCPU)
	}
	for _, p := range s.phases {
		d, calls := p.elapsed, p.calls
		if p.inFlight > 0 {
			d += time.Since(p.started)
			calls += r.Calls - p.callsAt
		}
		r.Phases = append(r.Phases, PhaseReport{Name: p.name, MS: ms(d), Runs: p.count, Calls: calls, OwnCalls: s.own[p.name]})
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		r.MaxRSSKB = int64(ru.Maxrss) // kilobytes on Linux
	}
	return r
}

// processCPU is the user and system time of the whole process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

// WriteText prints the report for people: phases, then calls by operation.
func (r Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "\nStats: %d API calls", r.Calls)
	if r.Errors > 0 {
		fmt.Fprintf(w, " (%d failed or retried)", r.Errors)
	}
	if r.FirstCallMS > 0 {
		fmt.Fprintf(w, ", first call %.1f ms after process start (%.1f ms of CPU since exec)", r.FirstCallMS, r.FirstCallCPUMS)
	}
	if r.MaxRSSKB > 0 {
		fmt.Fprintf(w, ", peak memory %.1f MB", float64(r.MaxRSSKB)/1024)
	}
	fmt.Fprintln(w)
	for _, p := range r.Phases {
		runs := ""
		if p.Runs > 1 {
			runs = fmt.Sprintf(" (%d runs)", p.Runs)
		}
		own := ""
		if p.OwnCalls > 0 {
			own = fmt.Sprintf(", %d its own", p.OwnCalls)
		}
		fmt.Fprintf(w, "  %-12s %9.1f ms %6d calls%s%s\n", p.Name, p.MS, p.Calls, own, runs)
	}
	ops := make([]string, 0, len(r.ByOperation))
	for k := range r.ByOperation {
		ops = append(ops, k)
	}
	sort.Strings(ops)
	for _, k := range ops {
		fmt.Fprintf(w, "  %-44s %6d\n", k, r.ByOperation[k])
	}
}
