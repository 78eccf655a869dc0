package localup

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sivchari/kumo"
)

// The variables kumo reads when the process starts. kumo builds ARNs and
// API endpoints from the region, and API Gateway calls Lambda's invoke
// endpoint at http://localhost:$KUMO_PORT (4566 when unset).
const (
	envRegion = "AWS_DEFAULT_REGION"
	envPort   = "KUMO_PORT"
)

// EnvReady reports whether this process was started with the environment
// kumo needs to serve a stack in region.
func EnvReady(region string) bool {
	_, err := selfCallPort(region)
	return err == nil
}

// EmulatorEnv returns the current environment with kumo's variables set for
// region and a free port: start a process (this one again, with
// syscall.Exec, or a test binary) with it so Start can run kumo there.
func EmulatorEnv(region string) ([]string, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env := []string{envRegion + "=" + region, envPort + "=" + strconv.Itoa(port)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envRegion+"=") && !strings.HasPrefix(kv, envPort+"=") {
			env = append(env, kv)
		}
	}
	return env, nil
}

// selfCallPort is the port kumo calls itself at, once the environment is
// known to match region.
func selfCallPort(region string) (int, error) {
	if got := os.Getenv(envRegion); got != region {
		return 0, fmt.Errorf("kumo was started for region %q, the stack is in %q: start the process with %s=%s (localup.EmulatorEnv)", got, region, envRegion, region)
	}
	port, err := strconv.Atoi(os.Getenv(envPort))
	if err != nil || port <= 0 {
		return 0, fmt.Errorf("%s is not set to a port: start the process with the environment localup.EmulatorEnv returns", envPort)
	}
	return port, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("cannot find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// emulator is kumo behind a front server on KUMO_PORT. kumo.NewServer
// listens on a random port (it is an httptest server), but API Gateway's
// calls to Lambda go to KUMO_PORT: the front server proxies that port, and
// every other client uses it too, so there is one address for everything.
// It also sees the handlers' first polls, which say they are ready.
type emulator struct {
	URL  string // http://127.0.0.1:<port>
	Port int

	kumo  *kumo.Server
	front *http.Server

	mu      sync.Mutex
	polling map[string]chan struct{} // closed at a function's first poll
}

func startEmulator(region string) (*emulator, error) {
	port, err := selfCallPort(region)
	if err != nil {
		return nil, err
	}
	// kumo resolves localhost to 127.0.0.1 or ::1; listening on loopback
	// v4 is enough because Go's dialer falls back from one to the other.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s port %d: %w", envPort, port, err)
	}
	k := kumo.NewServer()
	target, err := url.Parse(k.URL)
	if err != nil {
		k.Close()
		ln.Close()
		return nil, fmt.Errorf("cannot parse kumo's URL %q: %w", k.URL, err)
	}
	e := &emulator{
		URL:     "http://" + ln.Addr().String(),
		Port:    port,
		kumo:    k,
		polling: map[string]chan struct{}{},
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// kumo routes execute-api calls by Host ({apiId}.execute-api.localhost).
			pr.Out.Host = pr.In.Host
		},
		// A handler's long poll must not be buffered.
		FlushInterval: -1,
		// A handler stopped during its long poll is expected, not news.
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if !errors.Is(err, context.Canceled) {
				http.Error(w, "localup: kumo did not answer: "+err.Error(), http.StatusBadGateway)
			}
		},
	}
	e.front = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fn, ok := runtimePoll(r); ok {
				e.polled(fn)
			}
			proxy.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = e.front.Serve(ln) }()
	return e, nil
}

// runtimePoll recognises a handler's GET
// /_runtime/{function}/2018-06-01/runtime/invocation/next.
func runtimePoll(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/_runtime/")
	if !ok || r.Method != http.MethodGet {
		return "", false
	}
	fn, tail, ok := strings.Cut(rest, "/")
	return fn, ok && fn != "" && tail == "2018-06-01/runtime/invocation/next"
}

func (e *emulator) pollChan(fn string) chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	ch, ok := e.polling[fn]
	if !ok {
		ch = make(chan struct{})
		e.polling[fn] = ch
	}
	return ch
}

func (e *emulator) polled(fn string) {
	ch := e.pollChan(fn)
	e.mu.Lock()
	defer e.mu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// waitPoll returns once fn's handler has asked for its first invocation.
func (e *emulator) waitPoll(ctx context.Context, fn string) error {
	select {
	case <-e.pollChan(fn):
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the handler of lambda function %q never polled kumo's runtime API: %w", fn, ctx.Err())
	}
}

// close stops the front server, then kumo. Handlers' open polls are cut.
func (e *emulator) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := e.front.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = e.front.Close()
	}
	e.kumo.Close()
	return err
}
