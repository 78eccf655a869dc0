//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trip-assistant/stack/internal/localup"
	engine "github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/render"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
	"github.com/trip-assistant/stack/resources/kinds"
)

// e2eChild marks the copy of this test binary that runs the stack: kumo
// reads its region and port when a process starts, so TestE2E starts
// itself again with them set (localup.EmulatorEnv) and runs there.
const e2eChild = "LOCALUP_E2E_CHILD"

// TestE2E runs the stack as `make up` does — kumo in process, spec.yaml in
// its local environment, the real agent and api handlers — and sends
// requests through kumo's execute-api endpoint: API Gateway → api Lambda →
// agent Lambda → a fake OpenAI-compatible model.
func TestE2E(t *testing.T) {
	if os.Getenv(e2eChild) == "" {
		runE2EChild(t)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	model, err := localup.StartFakeModel(func(message string) (string, error) {
		if strings.Contains(message, "fail") {
			return "", errors.New("the fake model was asked to fail")
		}
		return "fake-model-reply to " + message, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()

	var logs lockedBuffer
	sys, err := localup.Start(ctx, localup.Options{
		Spec:          filepath.Join(root, "spec.yaml"),
		Root:          root,
		OpenAIBaseURL: model.BaseURL,
		Log:           &logs,
	})
	if err != nil {
		t.Fatalf("cannot start the stack: %v\n%s", err, logs.String())
	}
	defer func() {
		if err := sys.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		if t.Failed() {
			t.Logf("localup output:\n%s", logs.String())
		}
	}()
	t.Logf("stack up at %s", sys.URL)

	// In order: the key is missing until the step that sets it.
	steps := []struct {
		name       string
		method     string
		path, body string
		before     func() error
		wantStatus int
		wantBody   []string // substrings of the response body
	}{
		{name: "health through API Gateway", method: http.MethodGet, path: "/api/health",
			wantStatus: http.StatusOK, wantBody: []string{`"status":"ok"`}},
		{name: "no key: the agent's typed error becomes 502", method: http.MethodPost, path: "/api/messages",
			body: `{"message":"Two days in Lisbon?"}`, wantStatus: http.StatusBadGateway,
			wantBody: []string{`"type":"agent_failed"`, `"agent_error":"missing_key"`}},
		{name: "answered by the model", method: http.MethodPost, path: "/api/messages",
			before:     func() error { return sys.SetOpenAIKey(ctx, localup.FakeModelKey) },
			body:       `{"message":"Two days in Lisbon?","history":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}`,
			wantStatus: http.StatusOK, wantBody: []string{`"reply":"fake-model-reply to Two days in Lisbon?"`, `"usage"`}},
		{name: "malformed message is 400", method: http.MethodPost, path: "/api/messages",
			body: `{"message":`, wantStatus: http.StatusBadRequest, wantBody: []string{`"type":"invalid_input"`}},
		{name: "empty message is 400", method: http.MethodPost, path: "/api/messages",
			body: `{"message":"  "}`, wantStatus: http.StatusBadRequest, wantBody: []string{`"type":"invalid_input"`}},
		{name: "model fails: 502", method: http.MethodPost, path: "/api/messages",
			body: `{"message":"please fail"}`, wantStatus: http.StatusBadGateway,
			wantBody: []string{`"type":"agent_failed"`, `"agent_error":"upstream_error"`}},
		{name: "unknown path is 404 from the api", method: http.MethodGet, path: "/api/nope",
			wantStatus: http.StatusNotFound, wantBody: []string{`"type":"not_found"`}},
	}
	client := &http.Client{Timeout: 40 * time.Second}
	for _, s := range steps {
		if s.before != nil {
			if err := s.before(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		// Dial the emulator; the Host header selects the API.
		req, err := http.NewRequestWithContext(ctx, s.method, sys.Endpoint+s.path, strings.NewReader(s.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = sys.Host
		if s.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.wantStatus {
			t.Errorf("%s: %s %s = %d %s, want %d", s.name, s.method, s.path, resp.StatusCode, body, s.wantStatus)
			continue
		}
		if !json.Valid(body) {
			t.Errorf("%s: body is not JSON: %s", s.name, body)
		}
		for _, want := range s.wantBody {
			if !bytes.Contains(body, []byte(want)) {
				t.Errorf("%s: body %s lacks %s", s.name, body, want)
			}
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id: the answer did not come from the api handler", s.name)
		}
	}

	// kumo keeps what it was given, and the key set since is not drift:
	// planning again changes nothing.
	if plan := planLocal(ctx, t, sys); plan.HasChanges() {
		var b bytes.Buffer
		render.Text(&b, plan, render.Style{})
		t.Errorf("a second plan of the local environment has changes:\n%s", b.String())
	}
}

// runE2EChild runs TestE2E in a copy of this binary started with kumo's
// environment, and reports its output.
func runE2EChild(t *testing.T) {
	spec, err := localup.LoadSpec(filepath.Join(root, "spec.yaml"), "local")
	if err != nil {
		t.Fatal(err)
	}
	env, err := localup.EmulatorEnv(spec.Region)
	if err != nil {
		t.Fatal(err)
	}
	var endpoint string
	for _, kv := range env {
		if port, ok := strings.CutPrefix(kv, "KUMO_PORT="); ok {
			endpoint = "http://127.0.0.1:" + port
		}
	}
	// The child's TestMain starts no moto when AWS_ENDPOINT_URL is set:
	// it names the kumo the child will run.
	env = append(env, e2eChild+"=1", "AWS_ENDPOINT_URL="+endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestE2E$", "-test.v", "-test.count=1")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the stack's end-to-end run failed: %v\n%s", err, out)
	}
	t.Logf("end-to-end run:\n%s", out)
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// planLocal plans spec.yaml's local environment again against the running
// stack, as `reconcile --env local --endpoint <kumo>` would.
func planLocal(ctx context.Context, t *testing.T, sys *localup.System) *engine.Plan {
	t.Helper()
	spec, err := localup.LoadSpec(filepath.Join(root, "spec.yaml"), "local")
	if err != nil {
		t.Fatal(err)
	}
	all := kinds.All(sys.AWS)
	spec.AccountID = localAccountID(ctx, t, sys)
	store := ssmstate.New(sys.AWS, spec.Project, spec.Environment)
	state, err := store.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := (&engine.Engine{Kinds: all, Store: store}).Plan(ctx, spec, state, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func localAccountID(ctx context.Context, t *testing.T, sys *localup.System) string {
	t.Helper()
	out, err := sts.NewFromConfig(sys.AWS).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	return *out.Account
}
