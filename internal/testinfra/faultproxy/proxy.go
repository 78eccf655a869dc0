package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kind is one kind of injected fault.
type Kind string

const (
	// Throttle answers the service's throttling error; nothing is forwarded.
	Throttle Kind = "throttle"
	// ServerError answers a 503; nothing is forwarded.
	ServerError Kind = "5xx"
	// CloseBefore closes the connection without forwarding.
	CloseBefore Kind = "close-before"
	// LostAnswer forwards the request, lets the emulator carry it out,
	// and answers a 504 instead of its answer: a proxy that timed out.
	LostAnswer Kind = "lost-answer"
	// CloseAfter forwards the request, lets the emulator carry it out,
	// and closes the connection instead of answering.
	CloseAfter Kind = "close-after"
)

// Kinds lists every kind in the order a report shows them.
var Kinds = []Kind{Throttle, ServerError, CloseBefore, LostAnswer, CloseAfter}

// Rates are the probabilities, per request, of each fault; their sum is at
// most 1, the rest is forwarded untouched.
type Rates map[Kind]float64

// Config configures a proxy.
type Config struct {
	// Target is the emulator's base URL; it must be on the loopback.
	Target string
	Rates  Rates
	// Seed makes the sequence of draws repeatable (with requests arriving
	// in the same order).
	Seed uint64
	// Eligible says which requests may be faulted; nil means all of them.
	Eligible func(*http.Request) bool
	// UpstreamTimeout bounds each forwarded request (default 2 minutes).
	UpstreamTimeout time.Duration
	// Lifetime bounds the proxy itself: it stops serving after it
	// (default 2 hours), so a forgotten one does not outlive its test run.
	Lifetime time.Duration
}

// Counts is what a proxy saw and did.
type Counts struct {
	Requests int64          // requests received
	Faults   map[Kind]int64 // faults injected, by kind
}

// Total is the number of faults injected.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c.Faults {
		n += v
	}
	return n
}

// String reads "throttle=3 5xx=1 ..." in the order of Kinds.
func (c Counts) String() string {
	parts := make([]string, 0, len(Kinds))
	for _, k := range Kinds {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c.Faults[k]))
	}
	return fmt.Sprintf("%d requests, faults: %s", c.Requests, strings.Join(parts, " "))
}

// Proxy is a running fault injector.
type Proxy struct {
	cfg    Config
	target *url.URL
	client *http.Client

	mu     sync.Mutex
	rng    *rand.Rand
	counts Counts
	seq    int64

	srv      *http.Server
	listener net.Listener
	timer    *time.Timer
	done     chan struct{}
}

// New returns a proxy handler for cfg without a listener (Start serves it;
// tests may mount it on httptest).
func New(cfg Config) (*Proxy, error) {
	target, err := url.Parse(cfg.Target)
	if err != nil || target.Host == "" {
		return nil, fmt.Errorf("cannot start the fault proxy: target %q is not a URL", cfg.Target)
	}
	if !isLoopback(target.Hostname()) {
		return nil, fmt.Errorf("cannot start the fault proxy: target %q is not on the loopback; the proxy only sits in front of a local emulator", cfg.Target)
	}
	var sum float64
	for k, r := range cfg.Rates {
		if !knownKind(k) {
			return nil, fmt.Errorf("cannot start the fault proxy: unknown fault kind %q", k)
		}
		if r < 0 || r > 1 {
			return nil, fmt.Errorf("cannot start the fault proxy: rate of %s is %v, not within 0..1", k, r)
		}
		sum += r
	}
	if sum > 1 {
		return nil, fmt.Errorf("cannot start the fault proxy: the rates add up to %v, more than 1", sum)
	}
	if cfg.UpstreamTimeout <= 0 {
		cfg.UpstreamTimeout = 2 * time.Minute
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = 2 * time.Hour
	}
	return &Proxy{
		cfg:    cfg,
		target: target,
		// No redirects and no proxy from the environment: the emulator is
		// answered as is.
		client: &http.Client{
			Timeout:       cfg.UpstreamTimeout,
			Transport:     &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 32, IdleConnTimeout: time.Minute},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		rng:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		counts: Counts{Faults: map[Kind]int64{}},
		done:   make(chan struct{}),
	}, nil
}

// Start serves a new proxy on a free loopback port.
func Start(cfg Config) (*Proxy, error) {
	p, err := New(cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot start the fault proxy: %w", err)
	}
	p.listener = l
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(l)
	}()
	p.timer = time.AfterFunc(p.cfg.Lifetime, func() { _ = p.srv.Close() })
	return p, nil
}

// URL is the base URL clients are pointed at.
func (p *Proxy) URL() string { return "http://" + p.listener.Addr().String() }

// Close stops serving.
func (p *Proxy) Close() error {
	if p.srv == nil {
		return nil
	}
	p.timer.Stop()
	err := p.srv.Close()
	<-p.done
	return err
}

// Counts returns what the proxy has seen and injected so far.
func (p *Proxy) Counts() Counts {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := Counts{Requests: p.counts.Requests, Faults: make(map[Kind]int64, len(p.counts.Faults))}
	for k, v := range p.counts.Faults {
		c.Faults[k] = v
	}
	return c
}

// draw picks what to do with one request, "" for nothing.
func (p *Proxy) draw(r *http.Request) (Kind, int64) {
	eligible := p.cfg.Eligible == nil || p.cfg.Eligible(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts.Requests++
	p.seq++
	if !eligible {
		return "", p.seq
	}
	u := p.rng.Float64()
	// A fixed order of kinds: a map's order would make the seed useless.
	kinds := make([]Kind, 0, len(p.cfg.Rates))
	for k := range p.cfg.Rates {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kindIndex(kinds[i]) < kindIndex(kinds[j]) })
	for _, k := range kinds {
		if u < p.cfg.Rates[k] {
			p.counts.Faults[k]++
			return k, p.seq
		}
		u -= p.cfg.Rates[k]
	}
	return "", p.seq
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, seq := p.draw(r)
	proto := protocolOf(r)
	requestID := fmt.Sprintf("faultproxy-%d", seq)
	switch kind {
	case Throttle:
		drain(r)
		throttling(proto).write(w, proto, requestID)
		return
	case ServerError:
		drain(r)
		unavailable().write(w, proto, requestID)
		return
	case CloseBefore:
		drain(r)
		hangUp(w)
		return
	}
	resp, err := p.forward(r)
	if err != nil {
		http.Error(w, "faultproxy: the emulator did not answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	// Read the whole answer first: the emulator has carried the request
	// out once it answered, whatever happens to the answer next.
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "faultproxy: cannot read the emulator's answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	switch kind {
	case LostAnswer:
		http.Error(w, "faultproxy: the answer was lost after the emulator carried the request out", http.StatusGatewayTimeout)
		return
	case CloseAfter:
		hangUp(w)
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// forward sends r to the target, unchanged but for its URL.
func (p *Proxy) forward(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	u := *p.target
	u.Path = strings.TrimSuffix(p.target.Path, "/") + r.URL.Path
	u.RawPath = ""
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimSuffix(p.target.EscapedPath(), "/") + r.URL.RawPath
	}
	u.RawQuery = r.URL.RawQuery
	// The proxy's own deadline, not the client's: a request the client
	// gave up on is still carried out, as by AWS.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), p.cfg.UpstreamTimeout)
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		cancel()
		return nil, err
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	out.ContentLength = int64(len(body))
	resp, err := p.client.Do(out)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// hangUp closes the client's connection without an answer. An abortive
// close (RST) is what a dropped connection looks like to the client.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 or a recorder: the nearest thing is to abort the handler.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func drain(r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func knownKind(k Kind) bool { return kindIndex(k) >= 0 }

func kindIndex(k Kind) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return -1
}

// ParseRates reads "lost-answer=0.1,close-after=0.05" (the kinds' names).
func ParseRates(s string) (Rates, error) {
	r := Rates{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("fault rate %q: want KIND=RATE", part)
		}
		k := Kind(strings.TrimSpace(name))
		if !knownKind(k) {
			return nil, fmt.Errorf("fault rate %q: unknown kind %q (one of %v)", part, k, Kinds)
		}
		var f float64
		if _, err := fmt.Sscanf(strings.TrimSpace(val), "%g", &f); err != nil {
			return nil, fmt.Errorf("fault rate %q: %q is not a number", part, val)
		}
		r[k] = f
	}
	return r, nil
}
