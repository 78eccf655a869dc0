package chaos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/faultproxy"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// Config is one chaos run: Runs kills of `reconcile`, each followed by the
// documented recovery and the next run.
type Config struct {
	Binary string // the reconcile CLI
	Spec   string // spec.yaml's text
	// Account is account.yaml's text, applied once before the runs
	// (straight to the emulator, not under faults: it is the setup, as an
	// administrator applies it once per account). Empty: none.
	Account  string
	Endpoint string // the emulator
	Runs     int
	Seed     uint64
	// Rates of the faults injected into every run.
	Rates faultproxy.Rates
	// MaxKillDelay bounds the random moment of each kill.
	MaxKillDelay time.Duration
	// LockLease is every run's --lock-lease: short, so that a killed run's
	// lock is taken over within the harness's patience.
	LockLease time.Duration
	// Racers, when more than 1, is how many runs start at once after a
	// kill in one round of RaceEvery (0: never), all racing for the
	// killed run's lock once its lease expired.
	Racers, RaceEvery int
	// Project, Environment and Region of the spec's stack.
	Project, Environment, Region string
	// Log receives one line per step.
	Log io.Writer
}

// Report holds the figures of a chaos run.
type Report struct {
	Faults faultproxy.Counts
	// Runs that were not killed (the first apply, every next run after a
	// recovery, and runs that ended before their kill), by operation, and
	// how many of them converged (exit 0) in that one run.
	Finished, Converged map[string]int
	Kills               int // runs SIGKILLed
	Survived            int // kills after which recovery and the next run succeeded
	Duplicates          int // summed over every audit
	Orphans             int
	LostRecords         int // audits whose state could not be read, or whose serial went back
	Unlocks             int // recoveries by `reconcile unlock` (only when a refusal names no lease)
	Waits               int // refusals whose holder's lease the harness waited out, as the refusal says
	Takeovers           int // runs that said they took over an expired lock
	// LocksLeft counts the kills that left the stack's lock held (its
	// latest lease not a release: a run killed while releasing leaves it
	// free); TakenOver those whose lock a later run took over without an
	// unlock.
	LocksLeft, TakenOver int
	// Races are rounds where Racers runs started at once for a killed
	// run's lock; RaceWins the runs of those rounds that got the lock
	// (one per round, or more when a loser's call came after the winner
	// was done); RaceRefused the runs refused, naming the holder.
	Races, RaceWins, RaceRefused int
	Lock                         LockFigures // what the watch of the lock parameters saw
	BadAlias                     int         // audits finding the alias on a version that failed its smoke test
	Problems                     []string
}

var (
	unlockCmd = regexp.MustCompile(`reconcile (unlock [^\n]+)`)
	// The refusal says when the holder's lease expires (RFC 3339).
	leaseEnd = regexp.MustCompile(`lease expires at (\S+) `)
	// A run that took over an expired lock says so, naming its holder.
	tookOver = regexp.MustCompile(`Took over the lock of run ([0-9a-f]+)`)
	refused  = regexp.MustCompile(`is locked by run ([0-9a-f]+)`)
)

// Run runs the harness.
func Run(ctx context.Context, c Config) (*Report, error) {
	if c.Log == nil {
		c.Log = io.Discard
	}
	dir, err := os.MkdirTemp("", "reconcile-chaos")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	proxy, err := faultproxy.Start(faultproxy.Config{Target: c.Endpoint, Rates: c.Rates, Seed: c.Seed})
	if err != nil {
		return nil, err
	}
	defer proxy.Close()
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: c.Region, Endpoint: c.Endpoint})
	if err != nil {
		return nil, err
	}
	h := &harness{c: c, dir: dir, proxy: proxy, cfg: cfg, rng: rand.New(rand.NewPCG(c.Seed, 1)),
		rep: &Report{Finished: map[string]int{}, Converged: map[string]int{}}, bad: map[string]bool{}, took: map[string]time.Duration{}}
	// The lock's parameters are watched on the emulator for the whole
	// run: a double holder is counted from what SSM holds, not from what
	// the runs say.
	h.watch = NewLockWatch(cfg, ssmstate.Prefix(c.Project, c.Environment))
	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); h.watch.Watch(wctx, 100*time.Millisecond) }()
	defer func() { stopWatch(); <-watched }()
	health := httptest.NewServer(http.HandlerFunc(h.smoke))
	defer health.Close()
	h.health = health.URL
	if err := h.writeSpec(); err != nil {
		return nil, err
	}
	if err := h.applyAccount(ctx); err != nil {
		return nil, err
	}

	exists := false
	h.finish("apply", h.run(ctx, "apply", 0))
	exists = true
	h.audit(ctx, "first apply")
	// Runs that end before their kill do not count: keep going until Runs
	// kills, within a bound.
	for i := 1; h.rep.Kills < c.Runs && i <= 3*c.Runs; i++ {
		op := "apply"
		if exists {
			op = [...]string{"apply", "apply", "destroy", "deploy", "deploy"}[h.rng.IntN(5)]
		}
		if op == "apply" {
			h.memory = 1536 - h.memory // 512 <-> 1024: every apply has work to do
			if err := h.writeSpec(); err != nil {
				return nil, err
			}
		}
		if op == "deploy" {
			h.image = fmt.Sprintf("good-%d", i)
			if h.rng.IntN(3) == 0 {
				h.image = fmt.Sprintf("bad-%d", i)
			}
		}
		// A moment within the last such run's length, so most kills land.
		span := c.MaxKillDelay
		if d, ok := h.took[op]; ok && d < span {
			span = d
		}
		delay := time.Duration(h.rng.Int64N(int64(span))) + time.Millisecond
		r := h.run(ctx, op, delay)
		if !r.killed {
			h.finish(op, r)
		} else {
			h.rep.Kills++
			fmt.Fprintf(c.Log, "run %d: %s killed after %s\n", i, op, delay.Round(time.Millisecond))
			left := h.lockLeft(ctx)
			if left {
				h.rep.LocksLeft++
			}
			// The next run is the interrupted command again (CD retries a
			// deploy, a person an apply or a destroy).
			next := op
			if c.Racers > 1 && c.RaceEvery > 0 && h.rep.Kills%c.RaceEvery == 0 {
				r = h.race(ctx, next)
			} else {
				r = h.recoverAndRun(ctx, next)
			}
			if left {
				if tookOver.MatchString(r.stderr) {
					h.rep.TakenOver++
				} else if r.code == 0 {
					h.problem("run %d: the lock left by the killed %s was not taken over by the next run: %s", i, op, r.tail())
				}
			}
			h.finish(next, r)
			if asDesigned(next, r) {
				h.rep.Survived++
			} else {
				h.problem("run %d: after a killed %s, the recovery and next run failed: %s", i, op, r.tail())
			}
		}
		if op == "destroy" && r.code == 0 {
			exists = false
		} else if r.code == 0 {
			exists = true
		}
		h.audit(ctx, fmt.Sprintf("run %d (%s)", i, op))
	}
	if exists {
		h.finish("destroy", h.recoverAndRun(ctx, "destroy"))
		h.audit(ctx, "final destroy")
	}
	h.rep.Faults = proxy.Counts()
	h.watch.Poll(ctx)
	h.rep.Lock = h.watch.Figures()
	for _, d := range h.rep.Lock.Details {
		h.problem("lock: %s", d)
	}
	return h.rep, nil
}

type harness struct {
	c      Config
	dir    string
	proxy  *faultproxy.Proxy
	cfg    aws.Config
	rng    *rand.Rand
	rep    *Report
	health string
	memory int    // the agent's memory_size in the spec
	image  string // the tag the next deploy ships
	mu     sync.Mutex
	took   map[string]time.Duration // how long the last unkilled run of each operation took
	bad    map[string]bool          // images that failed their smoke test
	serial int64
	watch  *LockWatch
}

type outcome struct {
	killed         bool
	code           int
	stdout, stderr string
}

func (o outcome) tail() string {
	s := strings.TrimSpace(o.stderr)
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return fmt.Sprintf("exit %d: %s", o.code, s)
}

func (h *harness) writeSpec() error {
	if h.memory == 0 {
		h.memory = 512
	}
	spec := strings.Replace(h.c.Spec, "memory_size: 512", fmt.Sprintf("memory_size: %d", h.memory), 1)
	return os.WriteFile(filepath.Join(h.dir, "spec.yaml"), []byte(spec), 0o644)
}

func (h *harness) args(op string) []string {
	var a []string
	if h.c.LockLease > 0 {
		a = []string{"--lock-lease", h.c.LockLease.String()}
	}
	switch op {
	case "destroy":
		return append(a, "--spec", "spec.yaml", "--destroy")
	case "deploy":
		repo := fmt.Sprintf("123456789012.dkr.ecr.%s.amazonaws.com/%s-api-%s", h.c.Region, h.c.Project, h.c.Environment)
		return append(a, "deploy", "--spec", "spec.yaml", "--function", "api", "--image", repo+":"+h.image,
			"--smoke-url", h.health, "--smoke-attempts", "2", "--smoke-interval", "50ms")
	}
	return append(a, "--spec", "spec.yaml")
}

// run starts op through the fault proxy and SIGKILLs it after delay (0:
// never).
func (h *harness) run(ctx context.Context, op string, delay time.Duration) outcome {
	start := time.Now()
	o := h.exec(ctx, h.args(op), delay)
	if !o.killed && o.code == 0 {
		h.took[op] = time.Since(start)
	}
	if tookOver.MatchString(o.stderr) {
		h.rep.Takeovers++
	}
	return o
}

func (h *harness) exec(ctx context.Context, args []string, delay time.Duration) outcome {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.c.Binary, args...)
	cmd.Dir = h.dir
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+h.proxy.URL(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"OPENAI_API_KEY=sk-chaos-0123456789", "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		return outcome{code: -1, stderr: err.Error()}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	killed := false
	if delay > 0 {
		select {
		case err = <-done:
		case <-time.After(delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			err = <-done
			killed = true
		}
	} else {
		err = <-done
	}
	o := outcome{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		o.code = exit.ExitCode()
		// A run that ended by itself before the signal was not killed.
		if ws, ok := exit.Sys().(syscall.WaitStatus); killed && !(ok && ws.Signaled()) {
			killed = false
		}
	} else if err != nil {
		o.code = -1
	} else {
		killed = false
	}
	o.killed = killed
	return o
}

// recoverAndRun runs op; when it is refused, it does what the refusal
// says and runs op again: it waits until the holder's lease expires (the
// next run then takes the lock over), or, for a lock without a lease, runs
// the `reconcile unlock ...` it names.
func (h *harness) recoverAndRun(ctx context.Context, op string) outcome {
	r := h.run(ctx, op, 0)
	for attempt := 0; r.code != 0 && attempt < 3; attempt++ {
		if m := leaseEnd.FindStringSubmatch(r.stderr); m != nil {
			end, err := time.Parse(time.RFC3339, m[1])
			if err != nil {
				h.problem("the refusal names a lease end %q that is not a time: %v", m[1], err)
				break
			}
			h.rep.Waits++
			// The refusal's time is to the second: wait past that second.
			if !sleep(ctx, time.Until(end.Add(time.Second))) {
				break
			}
			r = h.run(ctx, op, 0)
			continue
		}
		m := unlockCmd.FindStringSubmatch(r.stderr)
		if m == nil {
			break
		}
		u := h.exec(ctx, strings.Fields(m[1]), 0)
		if u.code != 0 {
			h.problem("the documented recovery `reconcile %s` failed: %s", m[1], u.tail())
			break
		}
		h.rep.Unlocks++
		r = h.run(ctx, op, 0)
	}
	return r
}

// race waits until the lock left by a killed run expires (or is gone),
// then starts Racers runs of op at once. One of them takes the lock; the
// others are refused naming it (or, when their calls come after the winner
// is done, run after it). It returns the winner's outcome.
func (h *harness) race(ctx context.Context, op string) outcome {
	h.rep.Races++
	if info, err := ssmstate.New(h.cfg, h.c.Project, h.c.Environment).ReadLock(ctx); err == nil && info != nil && !info.Expires.IsZero() {
		if !sleep(ctx, time.Until(info.Expires)+200*time.Millisecond) {
			return outcome{code: -1, stderr: ctx.Err().Error()}
		}
	}
	outs := make([]outcome, h.c.Racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			outs[i] = h.exec(ctx, h.args(op), 0)
		}()
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, o := range outs {
		if tookOver.MatchString(o.stderr) {
			h.rep.Takeovers++
		}
		switch {
		case asDesigned(op, o):
			h.rep.RaceWins++
			// The one that took the lock over is the round's outcome.
			if winner < 0 || tookOver.MatchString(o.stderr) {
				winner = i
			}
		case refused.MatchString(o.stderr):
			h.rep.RaceRefused++
		default:
			h.problem("a racer for the lock failed: %s", o.tail())
		}
	}
	if winner < 0 {
		// Every racer refused: the lock's holder must be one of them, or
		// the recovery has to go on as usual.
		return h.recoverAndRun(ctx, op)
	}
	return outs[winner]
}

// lockLeft says whether the stack's lock parameter is in the emulator.
func (h *harness) lockLeft(ctx context.Context) bool {
	held, err := h.watch.Held(ctx)
	if err != nil {
		h.problem("cannot read the lock after a kill: %v", err)
	}
	return held
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (h *harness) finish(op string, r outcome) {
	h.rep.Finished[op]++
	if asDesigned(op, r) {
		h.rep.Converged[op]++
	} else {
		h.problem("%s did not converge in one run: %s", op, r.tail())
	}
}

// asDesigned: the run succeeded, or it is a deploy of a bad image that
// failed its smoke test and was rolled back, and nothing else went wrong.
func asDesigned(op string, r outcome) bool {
	if r.code == 0 {
		return true
	}
	// Its one line of error may follow the line saying it took over an
	// expired lock.
	errs := strings.TrimSpace(tookOverLine.ReplaceAllString(r.stderr, ""))
	return op == "deploy" && r.code == 1 && strings.Contains(errs, "failed and was rolled back:") &&
		strings.Count(errs, "\n") == 0
}

var tookOverLine = regexp.MustCompile(`(?m)^Took over the lock of run .*$`)

func (h *harness) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	h.rep.Problems = append(h.rep.Problems, p)
	fmt.Fprintln(h.c.Log, p)
}

// audit lists the emulator through the SDK and compares with the state.
func (h *harness) audit(ctx context.Context, when string) {
	st, err := ssmstate.New(h.cfg, h.c.Project, h.c.Environment).Load(ctx)
	if err != nil {
		h.rep.LostRecords++
		h.problem("%s: the state cannot be read: %v", when, err)
		return
	}
	if st.Serial < h.serial {
		h.rep.LostRecords++
		h.problem("%s: the state's serial went back from %d to %d", when, h.serial, st.Serial)
	}
	h.serial = st.Serial
	items, err := Inventory(ctx, h.cfg, h.c.Project)
	if err != nil {
		h.problem("%s: cannot list the emulator: %v", when, err)
		return
	}
	a := Compare(items, st)
	h.rep.Duplicates += len(a.Duplicates)
	h.rep.Orphans += a.Orphans()
	if len(a.Duplicates) > 0 || a.Orphans() > 0 {
		h.problem("%s: duplicates %v, in AWS only %v, in the state only %v", when, a.Duplicates, a.InAWSOnly, a.InStateOnly)
	}
	if img, ok := h.aliasImage(ctx); ok && h.failed(img) {
		h.rep.BadAlias++
		h.problem("%s: alias live of the api function serves %s, which failed its smoke test", when, img)
	}
}

// aliasImage is the image of the version the api function's alias serves.
func (h *harness) aliasImage(ctx context.Context) (string, bool) {
	lc := lambda.NewFromConfig(h.cfg)
	fn := h.c.Project + "-api-" + h.c.Environment
	a, err := lc.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(fn), Name: aws.String("live")})
	if err != nil {
		return "", false
	}
	f, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(fn), Qualifier: a.FunctionVersion})
	if err != nil || f.Code == nil {
		return "", false
	}
	return aws.ToString(f.Code.ImageUri), true
}

// smoke is the deploys' smoke test: it fails for the images tagged bad-,
// and remembers that they failed.
func (h *harness) smoke(w http.ResponseWriter, r *http.Request) {
	img, ok := h.aliasImage(r.Context())
	if !ok {
		http.Error(w, "cannot read the alias", http.StatusBadGateway)
		return
	}
	if strings.Contains(img, ":bad-") {
		h.mu.Lock()
		h.bad[img] = true
		h.mu.Unlock()
		http.Error(w, "broken image "+img, http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *harness) failed(img string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bad[img]
}

// applyAccount applies the account stack that spec.yaml reads under data:.
func (h *harness) applyAccount(ctx context.Context) error {
	if h.c.Account == "" {
		return nil
	}
	if err := os.WriteFile(filepath.Join(h.dir, "account.yaml"), []byte(h.c.Account), 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.c.Binary, "--spec", "account.yaml")
	cmd.Dir = h.dir
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+h.c.Endpoint, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "NO_COLOR=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cannot apply account.yaml: %w\n%s", err, out)
	}
	return nil
}
