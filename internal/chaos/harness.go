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
	"github.com/trip-assistant/stack/internal/faultproxy"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// Config is one chaos run: Runs kills of `reconcile`, each followed by the
// documented recovery and the next run.
type Config struct {
	Binary   string // the reconcile CLI
	Spec     string // spec.yaml's text
	Endpoint string // the emulator
	Runs     int
	Seed     uint64
	// Rates of the faults injected into every run.
	Rates faultproxy.Rates
	// MaxKillDelay bounds the random moment of each kill.
	MaxKillDelay time.Duration
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
	Unlocks             int // recoveries by `reconcile unlock`, as the refusal said
	Takeovers           int // next runs that said they took over an expired lock
	BadAlias            int // audits finding the alias on a version that failed its smoke test
	Problems            []string
}

var unlockCmd = regexp.MustCompile(`reconcile (unlock [^\n]+)`)
var takeover = regexp.MustCompile(`(?i)took over|taken over|takeover`)

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
	health := httptest.NewServer(http.HandlerFunc(h.smoke))
	defer health.Close()
	h.health = health.URL
	if err := h.writeSpec(); err != nil {
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
			// The next run is the interrupted command again; a deploy's
			// next run is a plain apply (CD retries, or a person applies).
			next := op
			r = h.recoverAndRun(ctx, next)
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
	switch op {
	case "destroy":
		return []string{"--spec", "spec.yaml", "--destroy"}
	case "deploy":
		repo := fmt.Sprintf("123456789012.dkr.ecr.%s.amazonaws.com/%s-api-%s", h.c.Region, h.c.Project, h.c.Environment)
		return []string{"deploy", "--spec", "spec.yaml", "--function", "api", "--image", repo + ":" + h.image,
			"--smoke-url", h.health, "--smoke-attempts", "2", "--smoke-interval", "50ms"}
	}
	return []string{"--spec", "spec.yaml"}
}

// run starts op through the fault proxy and SIGKILLs it after delay (0:
// never).
func (h *harness) run(ctx context.Context, op string, delay time.Duration) outcome {
	start := time.Now()
	o := h.exec(ctx, h.args(op), delay)
	if !o.killed {
		h.took[op] = time.Since(start)
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

// recoverAndRun runs op; when it is refused, it does what the refusal says
// (`reconcile unlock ...`) and runs op again.
func (h *harness) recoverAndRun(ctx context.Context, op string) outcome {
	r := h.run(ctx, op, 0)
	for attempt := 0; r.code != 0 && attempt < 2; attempt++ {
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
	if takeover.MatchString(r.stdout + r.stderr) {
		h.rep.Takeovers++
	}
	return r
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
	return op == "deploy" && r.code == 1 && strings.Contains(r.stderr, "failed and was rolled back:") &&
		strings.Count(strings.TrimSpace(r.stderr), "\n") == 0
}

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
