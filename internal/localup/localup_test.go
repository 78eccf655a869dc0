package localup

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
)

func TestRuntimePoll(t *testing.T) {
	cases := map[string]struct {
		method, path string
		wantFn       string
		wantOK       bool
	}{
		"next":          {"GET", "/_runtime/trip-assistant-api-local/2018-06-01/runtime/invocation/next", "trip-assistant-api-local", true},
		"response":      {"POST", "/_runtime/fn/2018-06-01/runtime/invocation/abc/response", "", false},
		"next but POST": {"POST", "/_runtime/fn/2018-06-01/runtime/invocation/next", "", false},
		"no function":   {"GET", "/_runtime//2018-06-01/runtime/invocation/next", "", false},
		"aws api":       {"GET", "/2015-03-31/functions/fn", "", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fn, ok := runtimePoll(httptest.NewRequest(tc.method, tc.path, nil))
			if ok != tc.wantOK || (ok && fn != tc.wantFn) {
				t.Errorf("runtimePoll(%s %s) = %q, %v; want %q, %v", tc.method, tc.path, fn, ok, tc.wantFn, tc.wantOK)
			}
		})
	}
}

func TestHandlerEnv(t *testing.T) {
	base := []string{"PATH=/bin", "HOME=/root", "AWS_PROFILE=prod", "AWS_CA_BUNDLE=/ca.pem", "OPENAI_API_KEY=sk-real", "KUMO_PORT=4566"}
	function := map[string]string{"SSM_PARAMETER_NAME": "/p", "ENVIRONMENT": "local"}
	local := map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "ENVIRONMENT": "overridden"}
	got := handlerEnv(base, function, local)
	want := []string{
		"PATH=/bin", "HOME=/root",
		"ENVIRONMENT=local", "SSM_PARAMETER_NAME=/p",
		// Later entries win in os/exec: localup's own settings last.
		"AWS_ENDPOINT_URL=http://127.0.0.1:1", "ENVIRONMENT=overridden",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("handlerEnv (-want +got):\n%s", d)
	}
}

func TestEnvReady(t *testing.T) {
	cases := map[string]struct {
		region, port string
		want         bool
	}{
		"ready":        {"us-east-2", "4599", true},
		"other region": {"us-east-1", "4599", false},
		"no port":      {"us-east-2", "", false},
		"bad port":     {"us-east-2", "x", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envRegion, tc.region)
			t.Setenv(envPort, tc.port)
			if got := EnvReady("us-east-2"); got != tc.want {
				t.Errorf("EnvReady = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEmulatorEnvReplacesKumoVariables(t *testing.T) {
	t.Setenv(envRegion, "eu-west-1")
	t.Setenv(envPort, "1")
	env, err := EmulatorEnv("us-east-2")
	if err != nil {
		t.Fatal(err)
	}
	var regions, ports []string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, envRegion+"="); ok {
			regions = append(regions, v)
		}
		if v, ok := strings.CutPrefix(kv, envPort+"="); ok {
			ports = append(ports, v)
		}
	}
	if len(regions) != 1 || regions[0] != "us-east-2" || len(ports) != 1 || ports[0] == "1" {
		t.Errorf("EmulatorEnv sets regions %v and ports %v; want one us-east-2 and one fresh port", regions, ports)
	}
	if len(env) < len(os.Environ()) {
		t.Errorf("EmulatorEnv dropped variables: %d, environment has %d", len(env), len(os.Environ()))
	}
}

func TestPrefixWriterWritesWholeLines(t *testing.T) {
	var out bytes.Buffer
	w := prefixWriter(&out, "fn | ")
	for _, chunk := range []string{"one\ntw", "o\n", "three"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if d := cmp.Diff("fn | one\nfn | two\n", out.String()); d != "" {
		t.Errorf("output (-want +got):\n%s", d)
	}
}

func TestTailKeepsLastLines(t *testing.T) {
	tl := &tail{max: 2}
	_, _ = tl.Write([]byte("a\nb\n"))
	_, _ = tl.Write([]byte("c\n"))
	if got := tl.String(); got != "b\nc" {
		t.Errorf("tail = %q, want %q", got, "b\nc")
	}
}

// TestFakeModelSpeaksOpenAI asks the fake with the client the agent uses.
func TestFakeModelSpeaksOpenAI(t *testing.T) {
	var asked []string
	fake, err := StartFakeModel(func(message string) (string, error) {
		asked = append(asked, message)
		if message == "fail" {
			return "", errors.New("asked to fail")
		}
		return "reply to " + message, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	ask := func(key, message string) (*responses.Response, error) {
		svc := responses.NewResponseService(option.WithBaseURL(fake.BaseURL), option.WithAPIKey(key), option.WithMaxRetries(0))
		return svc.New(context.Background(), responses.ResponseNewParams{
			Model:        "gpt-4o-mini",
			Instructions: param.NewOpt("be brief"),
			Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
				responses.ResponseInputItemParamOfMessage("Hi", responses.EasyInputMessageRoleUser),
				responses.ResponseInputItemParamOfMessage("Where to?", responses.EasyInputMessageRoleAssistant),
				responses.ResponseInputItemParamOfMessage(message, responses.EasyInputMessageRoleUser),
			}},
		})
	}

	got, err := ask(FakeModelKey, "Lisbon?")
	if err != nil {
		t.Fatal(err)
	}
	// Input words: instructions 2, history 1+2, message 1; output words 3.
	if got.Status != responses.ResponseStatusCompleted || got.OutputText() != "reply to Lisbon?" || got.Model != "gpt-4o-mini" ||
		got.Usage.InputTokens != 6 || got.Usage.OutputTokens != 3 || got.Usage.TotalTokens != 9 {
		t.Errorf("response = %s", got.RawJSON())
	}
	if diff := cmp.Diff([]string{"Lisbon?"}, asked); diff != "" {
		t.Errorf("the fake replied to (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		key, message string
		wantStatus   int
	}{{"sk-other", "Lisbon?", http.StatusUnauthorized}, {FakeModelKey, "fail", http.StatusInternalServerError}} {
		_, err := ask(tc.key, tc.message)
		var apiErr *responses.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.wantStatus {
			t.Errorf("ask(%q, %q) error = %v, want HTTP %d", tc.key, tc.message, err, tc.wantStatus)
		}
	}
}

// TestEmulatorSeesFirstPoll starts kumo behind the front server and wants
// a handler's long poll to be seen while it waits.
func TestEmulatorSeesFirstPoll(t *testing.T) {
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(envRegion, "us-east-2")
	t.Setenv(envPort, strconv.Itoa(port))
	em, err := startEmulator("us-east-2")
	if err != nil {
		t.Fatal(err)
	}
	defer em.close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pollCtx, stopPoll := context.WithCancel(ctx)
	polled := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(pollCtx, http.MethodGet, em.URL+"/_runtime/fn/2018-06-01/runtime/invocation/next", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		polled <- err
	}()
	if err := em.waitPoll(ctx, "fn"); err != nil {
		t.Fatal(err)
	}
	stopPoll()
	<-polled

	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	if err := em.waitPoll(short, "other"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waitPoll of a function nobody polls = %v, want a deadline error", err)
	}
}

// TestSpecLocalEnvironment loads the repository's spec.yaml as `make up`
// does, without OPENAI_API_KEY, and checks it asks kumo for nothing kumo
// lacks: a change elsewhere in the spec that names an alias breaks here
// before it breaks `make up`.
func TestSpecLocalEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	spec, err := LoadSpec("../../spec.yaml", "local")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range spec.Order {
		r := spec.Resources[name]
		switch r.Type {
		case "lambda.alias":
			t.Errorf("%s: kumo has no aliases; the local environment must disable it", name)
		case "lambda.function":
			if p, ok := r.Props["publish"].(bool); !ok || p {
				t.Errorf("%s: publish = %v; kumo has no PublishVersion, want false", name, r.Props["publish"])
			}
		}
	}
	for _, name := range []string{resourceHTTPAPI} {
		if spec.Resources[name] == nil {
			t.Errorf("the spec has no %s, which localup serves", name)
		}
	}
	for _, name := range []string{outputAgentName, outputAPIName} {
		if _, ok := spec.Outputs[name]; !ok {
			t.Errorf("the spec has no output %s, which localup reads", name)
		}
	}
}
