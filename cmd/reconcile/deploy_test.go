package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/deploy"
	"github.com/trip-assistant/stack/internal/testinfra/fakeapi"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/resources/kinds"
	"github.com/trip-assistant/stack/resources/lambdafn"
)

// fakeLambda is the shared Lambda fake, naming each call with what the
// deploy tests assert: the version, alias, image or payload it was about.
func fakeLambda(on fakeapi.LambdaFuncs) *fakeapi.Lambda {
	return &fakeapi.Lambda{Name: deployCallName, On: on}
}

var _ deploy.API = (*fakeapi.Lambda)(nil)

func deployCallName(op string, in any) string {
	switch in := in.(type) {
	case *lambda.GetFunctionInput:
		return op + " " + aws.ToString(in.Qualifier)
	case *lambda.GetFunctionConfigurationInput:
		return op + " " + aws.ToString(in.Qualifier)
	case *lambda.UpdateFunctionCodeInput:
		return op + " " + aws.ToString(in.ImageUri)
	case *lambda.GetAliasInput:
		return op + " " + aws.ToString(in.Name)
	case *lambda.UpdateAliasInput:
		return op + " " + aws.ToString(in.Name) + " " + aws.ToString(in.FunctionVersion)
	case *lambda.InvokeInput:
		return op + " " + aws.ToString(in.Qualifier) + " " + string(in.Payload)
	}
	return op
}

// liveFunction is a function with published versions 1 (image repo:v1)
// and an alias "live" on 1; its fields model what Lambda does with them.
// Updates settle at once; Lambda publishes only changed code.
func liveFunction() *fakeapi.Lambda {
	var mu sync.Mutex
	images := []string{"", "repo:v1"} // by version; 0 is unused
	latest, alias := "repo:v1", "1"
	return fakeLambda(fakeapi.LambdaFuncs{
		GetFunction: func(in *lambda.GetFunctionInput) (*lambda.GetFunctionOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			image := latest
			if q := aws.ToString(in.Qualifier); q != "" {
				n, err := strconv.Atoi(q)
				if err != nil || n < 1 || n >= len(images) {
					return nil, &types.ResourceNotFoundException{Message: aws.String("no version " + q)}
				}
				image = images[n]
			}
			return &lambda.GetFunctionOutput{
				Configuration: &types.FunctionConfiguration{
					State: types.StateActive, LastUpdateStatus: types.LastUpdateStatusSuccessful,
					CodeSha256: aws.String("sha-" + image),
				},
				Code: &types.FunctionCodeLocation{ImageUri: aws.String(image)},
			}, nil
		},
		GetFunctionConfiguration: func(*lambda.GetFunctionConfigurationInput) (*lambda.GetFunctionConfigurationOutput, error) {
			return &lambda.GetFunctionConfigurationOutput{State: types.StateActive}, nil
		},
		UpdateFunctionCode: func(in *lambda.UpdateFunctionCodeInput) (*lambda.UpdateFunctionCodeOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			latest = aws.ToString(in.ImageUri)
			return &lambda.UpdateFunctionCodeOutput{}, nil
		},
		PublishVersion: func(in *lambda.PublishVersionInput) (*lambda.PublishVersionOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			if want := "sha-" + latest; aws.ToString(in.CodeSha256) != want {
				return nil, fmt.Errorf("published with CodeSha256 %q, want %q", aws.ToString(in.CodeSha256), want)
			}
			if images[len(images)-1] != latest {
				images = append(images, latest)
			}
			return &lambda.PublishVersionOutput{Version: aws.String(strconv.Itoa(len(images) - 1))}, nil
		},
		GetAlias: func(*lambda.GetAliasInput) (*lambda.GetAliasOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			return &lambda.GetAliasOutput{FunctionVersion: aws.String(alias)}, nil
		},
		UpdateAlias: func(in *lambda.UpdateAliasInput) (*lambda.UpdateAliasOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			alias = aws.ToString(in.FunctionVersion)
			return &lambda.UpdateAliasOutput{FunctionVersion: in.FunctionVersion}, nil
		},
		Invoke: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte(`{"ok":true}`)}, nil
		},
	})
}

// fakeStore is a StateStore in memory that records its calls.
type fakeStore struct {
	mu     sync.Mutex
	calls  []string
	state  *reconcile.State
	holder *reconcile.LockInfo
}

var _ reconcile.StateStore = (*fakeStore)(nil)

func (s *fakeStore) record(call string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
}

func (s *fakeStore) Load(context.Context) (*reconcile.State, error) {
	s.record("Load")
	return s.state.Clone(), nil
}

func (s *fakeStore) Save(_ context.Context, st *reconcile.State) error {
	s.record("Save")
	s.state = st.Clone()
	return nil
}

func (s *fakeStore) Lock(_ context.Context, info reconcile.LockInfo) error {
	s.record("Lock " + info.Operation)
	if s.holder != nil {
		return &reconcile.LockedError{Stack: "trip-assistant/dev", Holder: *s.holder}
	}
	s.holder = &info
	return nil
}

func (s *fakeStore) Unlock(_ context.Context, id string) error {
	s.record("Unlock")
	if s.holder == nil || s.holder.ID != id {
		return reconcile.ErrNoLock
	}
	s.holder = nil
	return nil
}

func (s *fakeStore) ReadLock(context.Context) (*reconcile.LockInfo, error) { return s.holder, nil }

// appliedStore holds the state of an applied stack: the api function and
// its alias.
func appliedStore() *fakeStore {
	st := reconcile.NewState()
	st.Resources["api"] = reconcile.StateResource{Type: "lambda.function", ID: "trip-assistant-api-dev"}
	st.Resources["api_live"] = reconcile.StateResource{Type: "lambda.alias", ID: "trip-assistant-api-dev:live"}
	return &fakeStore{state: st}
}

// testStack is the repository's spec with store.
func testStack(t *testing.T, store reconcile.StateStore) *stack {
	t.Helper()
	sp, err := spec.LoadFile("../../spec.yaml", spec.LoadOptions{
		Types: reconcile.Schemas(kinds.All(aws.Config{})),
		LookupEnv: func(name string) (string, bool) {
			if name == "OPENAI_API_KEY" {
				return "sk-test", true
			}
			return "", false
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{spec: sp, store: store}
}

// smokeServer answers every request with status.
func smokeServer(t *testing.T, status int) (url string, hits func() int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/health", func() int { mu.Lock(); defer mu.Unlock(); return n }
}

func testCommand(function, smokeURL string, out *bytes.Buffer) *deployCommand {
	return &deployCommand{
		flags:         stackFlags{spec: "spec.yaml"},
		function:      function,
		image:         "repo:v2",
		smokeURL:      smokeURL,
		smokeAttempts: 2,
		smokeInterval: time.Millisecond,
		stdout:        out,
		lambdaOpts:    []lambdafn.Option{lambdafn.WithRoleRetry(time.Second, 10*time.Millisecond), lambdafn.WithWaitTimeout(5 * time.Second)},
	}
}

func TestDeploySucceeds(t *testing.T) {
	cases := map[string]struct {
		status     int // of the smoke URL; 0: no URL, the alias is invoked
		wantLambda []string
		wantHits   int
	}{
		"smoke URL": {
			status: http.StatusOK,
			wantLambda: []string{
				"GetAlias live", "GetFunction 1",
				"UpdateFunctionCode repo:v2", "GetFunction ", "PublishVersion", "GetFunctionConfiguration 2",
				"UpdateAlias live 2",
			},
			wantHits: 1,
		},
		"invoke": {
			wantLambda: []string{
				"GetAlias live", "GetFunction 1",
				"UpdateFunctionCode repo:v2", "GetFunction ", "PublishVersion", "GetFunctionConfiguration 2",
				"UpdateAlias live 2", "Invoke live {}",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			api, store := liveFunction(), appliedStore()
			url, hits := "", func() int { return 0 }
			if tc.status != 0 {
				url, hits = smokeServer(t, tc.status)
			}
			var out bytes.Buffer
			if err := testCommand("api", url, &out).deploy(context.Background(), testStack(t, store), api); err != nil {
				t.Fatalf("deploy: %v\n%s", err, out.String())
			}
			if diff := cmp.Diff(tc.wantLambda, api.Calls.List()); diff != "" {
				t.Errorf("Lambda calls (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"Lock deploy", "Load", "Save", "Unlock"}, store.calls); diff != "" {
				t.Errorf("store calls (-want +got):\n%s", diff)
			}
			if got := hits(); got != tc.wantHits {
				t.Errorf("smoke URL requested %d times, want %d", got, tc.wantHits)
			}
			extra := store.state.Resources["api"].Extra
			if extra["image"] != "repo:v2" || extra["version"] != "2" || extra["deployed_at"] == "" || extra["rolled_back_from"] != "" {
				t.Errorf("recorded %v, want image repo:v2, version 2, a time, no rollback", extra)
			}
			for _, line := range []string{"Deploying trip-assistant-api-dev: image repo:v2 → version 2, alias live 1 → 2", "Smoke test ", "Deployed."} {
				if !strings.Contains(out.String(), line) {
					t.Errorf("output lacks %q:\n%s", line, out.String())
				}
			}
		})
	}
}

func TestDeployRollsBackWhenTheSmokeTestFails(t *testing.T) {
	cases := map[string]struct {
		status    int // 0: invoke instead
		invoke    func(*lambda.InvokeInput) (*lambda.InvokeOutput, error)
		wantHits  int
		wantSmoke []string
	}{
		"smoke URL answers 500": {
			status:   http.StatusInternalServerError,
			wantHits: 2,
		},
		"function error": {
			invoke: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"boom"}`)}, nil
			},
			wantSmoke: []string{"Invoke live {}"},
		},
		"invoke fails": {
			invoke: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, errors.New("connection reset")
			},
			wantSmoke: []string{"Invoke live {}"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			api, store := liveFunction(), appliedStore()
			if tc.invoke != nil {
				api.On.Invoke = tc.invoke
			}
			url, hits := "", func() int { return 0 }
			if tc.status != 0 {
				url, hits = smokeServer(t, tc.status)
			}
			var out bytes.Buffer
			err := testCommand("api", url, &out).deploy(context.Background(), testStack(t, store), api)
			if err == nil || !strings.Contains(err.Error(), "failed and was rolled back") {
				t.Fatalf("deploy error = %v, want one saying it was rolled back\n%s", err, out.String())
			}
			want := []string{
				"GetAlias live", "GetFunction 1",
				"UpdateFunctionCode repo:v2", "GetFunction ", "PublishVersion", "GetFunctionConfiguration 2",
				"UpdateAlias live 2",
			}
			want = append(want, tc.wantSmoke...)
			want = append(want,
				"UpdateAlias live 1",
				"UpdateFunctionCode repo:v1", "GetFunction ", "PublishVersion", "GetFunctionConfiguration 3",
				"UpdateAlias live 3",
			)
			if diff := cmp.Diff(want, api.Calls.List()); diff != "" {
				t.Errorf("Lambda calls (-want +got):\n%s", diff)
			}
			if got := hits(); got != tc.wantHits {
				t.Errorf("smoke URL requested %d times, want %d", got, tc.wantHits)
			}
			if diff := cmp.Diff([]string{"Lock deploy", "Load", "Save", "Unlock"}, store.calls); diff != "" {
				t.Errorf("store calls (-want +got):\n%s", diff)
			}
			extra := store.state.Resources["api"].Extra
			delete(extra, "deployed_at")
			if diff := cmp.Diff(map[string]string{"image": "repo:v1", "version": "3", "rolled_back_from": "2", "failed_image": "repo:v2"}, extra); diff != "" {
				t.Errorf("recorded (-want +got):\n%s", diff)
			}
			if !strings.Contains(out.String(), "Rolled back alias live of trip-assistant-api-dev to version 1.") {
				t.Errorf("output does not say the alias was rolled back:\n%s", out.String())
			}
		})
	}
}

func TestDeployRefuses(t *testing.T) {
	held := &reconcile.LockInfo{ID: "abc123", Who: "ci@runner", Since: time.Now(), Operation: "apply"}
	cases := map[string]struct {
		function  string
		edit      func(*spec.Spec)
		store     *fakeStore
		wantErr   []string
		wantStore []string
	}{
		"not a function": {
			function:  "api_repo",
			store:     appliedStore(),
			wantErr:   []string{`"api_repo" is not a lambda.function`, "agent, api"},
			wantStore: nil,
		},
		"no alias": {
			function: "api",
			edit: func(s *spec.Spec) {
				delete(s.Resources, "api_live")
				s.Order = slices.DeleteFunc(s.Order, func(n string) bool { return n == "api_live" })
			},
			store:   appliedStore(),
			wantErr: []string{`function "api" has no lambda.alias`},
		},
		"never applied": {
			function:  "api",
			store:     &fakeStore{state: reconcile.NewState()},
			wantErr:   []string{`function "api" of trip-assistant/dev has never been applied`},
			wantStore: []string{"Lock deploy", "Load", "Unlock"},
		},
		"locked": {
			function:  "api",
			store:     &fakeStore{state: reconcile.NewState(), holder: held},
			wantErr:   []string{"locked by run abc123", "ci@runner", "reconcile unlock --spec spec.yaml abc123"},
			wantStore: []string{"Lock deploy"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st := testStack(t, tc.store)
			if tc.edit != nil {
				tc.edit(st.spec)
			}
			api := fakeLambda(fakeapi.LambdaFuncs{})
			var out bytes.Buffer
			err := testCommand(tc.function, "", &out).deploy(context.Background(), st, api)
			if err == nil {
				t.Fatal("deploy succeeded")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if len(api.Calls.List()) > 0 {
				t.Errorf("Lambda was called: %v", api.Calls.List())
			}
			if diff := cmp.Diff(tc.wantStore, tc.store.calls); diff != "" {
				t.Errorf("store calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeployDryRunChangesNothing(t *testing.T) {
	api, store := liveFunction(), appliedStore()
	url, hits := smokeServer(t, http.StatusOK)
	var out bytes.Buffer
	c := testCommand("api", url, &out)
	c.dryRun = true
	if err := c.deploy(context.Background(), testStack(t, store), api); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GetAlias live", "GetFunction 1"}, api.Calls.List()); diff != "" {
		t.Errorf("Lambda calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Load"}, store.calls); diff != "" {
		t.Errorf("store calls (-want +got):\n%s", diff)
	}
	if hits() != 0 {
		t.Error("the smoke URL was requested")
	}
	for _, line := range []string{"Would deploy trip-assistant-api-dev: image repo:v2", "alias live 1", "Smoke test: GET " + url, "nothing changed"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}

func TestDeploySameImageKeepsTheAlias(t *testing.T) {
	api, store := liveFunction(), appliedStore()
	var out bytes.Buffer
	c := testCommand("api", "", &out)
	c.image = "repo:v1"
	if err := c.deploy(context.Background(), testStack(t, store), api); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out.String())
	}
	if slices.ContainsFunc(api.Calls.List(), func(s string) bool { return strings.HasPrefix(s, "UpdateAlias") }) {
		t.Errorf("the alias was moved: %v", api.Calls.List())
	}
	if got := store.state.Resources["api"].Extra["version"]; got != "1" {
		t.Errorf("recorded version %q, want 1", got)
	}
}
