package localup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildHandlers compiles the agent and api programs into dir.
func buildHandlers(ctx context.Context, root, dir string) (agent, api string, err error) {
	agent, api = filepath.Join(dir, "agent"), filepath.Join(dir, "api")
	for _, b := range []struct{ pkg, out string }{{"./agent", agent}, {"./api", api}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", "", fmt.Errorf("cannot build %s: %w\n%s", b.pkg, err, out)
		}
	}
	return agent, api, nil
}

// handler is one Lambda program running as a child process, served by
// kumo's Runtime API as the function named fn.
type handler struct {
	fn   string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // why it exited, once done is closed
	logs *tail
}

// startHandler starts bin as the handler of lambda function fn. env is the
// whole environment of the process.
func startHandler(bin, fn string, env []string, log io.Writer) (*handler, error) {
	h := &handler{fn: fn, done: make(chan struct{}), logs: &tail{max: 20}}
	cmd := exec.Command(bin)
	cmd.Env = env
	// Its own process group: the terminal's Ctrl-C reaches localup only,
	// which stops the handlers after the requests in flight.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	w := prefixWriter(io.MultiWriter(log, h.logs), fn+" | ")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start the handler of lambda function %q: %w", fn, err)
	}
	h.cmd = cmd
	go func() {
		h.err = cmd.Wait()
		close(h.done)
	}()
	return h, nil
}

// exited describes why a handler stopped early, with its last output.
func (h *handler) exited() error {
	return fmt.Errorf("the handler of lambda function %q exited (%v); its last output:\n%s", h.fn, h.err, h.logs)
}

// stop asks the handler to end (SIGTERM) and kills it after grace.
func (h *handler) stop(grace time.Duration) error {
	select {
	case <-h.done:
		return nil
	default:
	}
	if err := h.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("cannot stop the handler of lambda function %q: %w", h.fn, err)
	}
	select {
	case <-h.done:
		return nil
	case <-time.After(grace):
	}
	if err := h.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("cannot kill the handler of lambda function %q: %w", h.fn, err)
	}
	<-h.done
	return nil
}

// handlerEnv is the environment of a handler: this process's, without the
// variables that would point it at real AWS or a real model, then the
// function's own variables (kumo passes none), then what makes it talk to
// the emulator.
func handlerEnv(base []string, function map[string]string, local map[string]string) []string {
	var env []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "OPENAI_") || name == "KUMO_PORT" {
			continue
		}
		env = append(env, kv)
	}
	for _, m := range []map[string]string{function, local} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			env = append(env, k+"="+m[k])
		}
	}
	return env
}

// prefixWriter writes each complete line to w with prefix; a partial
// line waits for its end.
func prefixWriter(w io.Writer, prefix string) io.Writer {
	return &linePrefixer{w: w, prefix: prefix}
}

type linePrefixer struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	partial []byte
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(l.w, "%s%s\n", l.prefix, l.partial[:i]); err != nil {
			return 0, err
		}
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

// tail keeps the last max lines written to it.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		t.lines = append(t.lines, l)
	}
	if over := len(t.lines) - t.max; over > 0 {
		t.lines = t.lines[over:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
