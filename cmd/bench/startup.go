package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// startupRuns is how many no-change plans time the start-up: the budget
// is on the worst of them.
const startupRuns = 11

// firstRequest is a reverse proxy in front of the emulator that notes when
// the first request of a run reaches it: the time from exec to that moment
// is the whole start-up (exec, runtime start, every package's init, the
// spec, the configuration), which the CLI's own figure, counted from one
// package's init, cannot see.
type firstRequest struct {
	srv  *http.Server
	url  string
	mu   sync.Mutex
	seen time.Time
}

func startFirstRequest(target string) (*firstRequest, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("cannot proxy the emulator at %q: %w", target, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &firstRequest{url: "http://" + l.Addr().String()}
	proxy := httputil.NewSingleHostReverseProxy(u)
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		p.mu.Lock()
		if p.seen.IsZero() {
			p.seen = now
		}
		p.mu.Unlock()
		proxy.ServeHTTP(w, r)
	})}
	go p.srv.Serve(l)
	return p, nil
}

// arm forgets the last run's first request.
func (p *firstRequest) arm() {
	p.mu.Lock()
	p.seen = time.Time{}
	p.mu.Unlock()
}

func (p *firstRequest) at() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen
}

func (p *firstRequest) close() { _ = p.srv.Close() }

// startup times the start-up of startupRuns no-change plans of the stack
// applied in dir: from exec to the first request at the endpoint, and the
// CLI's own figure (from its awsclient package's init to the request).
func (b *bench) startup(ctx context.Context, t *table, dir string) error {
	progress("start-up, %d no-change plans...", startupRuns)
	p, err := startFirstRequest(b.emu.Endpoint)
	if err != nil {
		return err
	}
	defer p.close()
	var outside, inside, cpu []float64
	for range startupRuns {
		p.arm()
		r, err := b.runAt(ctx, p.url, dir, "--dry-run")
		if err != nil {
			return err
		}
		first := p.at()
		if first.IsZero() {
			return fmt.Errorf("a no-change plan of %s sent no request to the endpoint", filepath.Base(dir))
		}
		outside = append(outside, ms(first.Sub(r.started)))
		inside = append(inside, r.stats.FirstCallMS)
		cpu = append(cpu, r.stats.FirstCallCPUMS)
	}
	lo, med, hi := spread(outside)
	t.add(row{
		Case: "start-up: exec -> first AWS request",
		Wall: fmt.Sprintf("%.1f / %.1f / %.1f ms", lo, med, hi),
		Notes: fmt.Sprintf("min / median / max of %d no-change plans of spec.yaml, seen by a proxy in front of the emulator; worst < 50 ms: %s",
			startupRuns, verdict(hi < 50)),
	})
	lo, med, hi = spread(inside)
	t.add(row{
		Case:  "start-up: package init -> first AWS call",
		Wall:  fmt.Sprintf("%.1f / %.1f / %.1f ms", lo, med, hi),
		Notes: "the same runs, as the CLI reports it (--stats first_call_ms, from internal/awsclient's init: exec, runtime start and earlier inits not included)",
	})
	lo, med, hi = spread(cpu)
	t.add(row{
		Case: "start-up: CPU used before the first AWS call",
		Wall: fmt.Sprintf("%.1f / %.1f / %.1f ms", lo, med, hi),
		Notes: fmt.Sprintf("the same runs (first_call_cpu_ms: user + system, every thread, since exec); wall / CPU at the median %.1fx says how much of the wall other processes took",
			spread1(outside)/spread1(cpu)),
	})
	return nil
}

func spread1(vs []float64) float64 { _, med, _ := spread(vs); return med }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// spread is the minimum, median and maximum of vs.
func spread(vs []float64) (lo, med, hi float64) {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	return s[0], s[len(s)/2], s[len(s)-1]
}
