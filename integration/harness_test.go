//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/awsclient"
	"github.com/trip-assistant/stack/internal/testinfra/emulator"
)

var (
	emu    *emulator.Emulator
	binary string
	root   string // the repository
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	os.Unsetenv("AWS_CA_BUNDLE")
	ctx := context.Background()
	wd, _ := os.Getwd()
	root = filepath.Dir(wd)
	tmp, err := os.MkdirTemp("", "reconcile-it")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binary = filepath.Join(tmp, "reconcile")
	build := exec.Command("go", "build", "-o", binary, "./cmd/reconcile")
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot build reconcile:", err)
		return 1
	}
	emu, err = emulator.Start(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer emu.Stop()
	return m.Run()
}

// result is one run of the CLI.
type result struct {
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// cliEnv is the environment every run gets: the emulator, test
// credentials, an OpenAI key for the secret parameter.
func cliEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "OPENAI_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"AWS_ENDPOINT_URL="+emu.Endpoint,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"OPENAI_API_KEY=sk-test-secret-value-0123456789",
		"NO_COLOR=1",
	)
	return append(env, extra...)
}

// reconcile runs the CLI in dir and waits for it.
func reconcile(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return reconcileEnv(t, dir, nil, args...)
}

func reconcileEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return reconcileIn(t, dir, cliEnv(env...), args...)
}

// reconcileIn runs the CLI in dir with exactly the environment env.
func reconcileIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{Stdout: out.String(), Stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.Code = exit.ExitCode()
	case err != nil:
		t.Fatalf("cannot run reconcile: %v", err)
	}
	return r
}

// mustApply applies and fails the test on a non-zero exit.
func mustApply(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := reconcile(t, dir, append([]string{"--spec", "spec.yaml"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("apply failed: %s", r)
	}
	return r
}

// planJSON is the part of the JSON plan the tests read.
type planJSON struct {
	FormatVersion string `json:"format_version"`
	HasChanges    bool   `json:"has_changes"`
	Summary       struct {
		Add, Change, Destroy, Drift int
	} `json:"summary"`
	Changes []struct {
		Name   string `json:"name"`
		Type   string `json:"type"`
		Action string `json:"action"`
		Class  string `json:"class"`
		Diff   []struct {
			Path   string `json:"path"`
			Before any    `json:"before"`
		} `json:"diff"`
	} `json:"changes"`
	Unmanaged []struct{ Type, ID string } `json:"unmanaged"`
	Outputs   map[string]any              `json:"outputs"`
}

// plan runs a JSON dry run with --detailed-exitcode.
func plan(t *testing.T, dir string, args ...string) (planJSON, result) {
	t.Helper()
	r := reconcile(t, dir, append([]string{"--spec", "spec.yaml", "--dry-run", "--detailed-exitcode", "--output", "json"}, args...)...)
	if r.Code == 1 {
		t.Fatalf("plan failed: %s", r)
	}
	return planFromJSON(t, r), r
}

// planFromJSON reads a JSON plan a run printed.
func planFromJSON(t *testing.T, r result) planJSON {
	t.Helper()
	var p planJSON
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatalf("plan output is not JSON: %v\n%s", err, r)
	}
	return p
}

// changed returns the non-no-op changes as "name:action:class".
func (p planJSON) changed() []string {
	var out []string
	for _, c := range p.Changes {
		if c.Action != "no-op" {
			out = append(out, c.Name+":"+c.Action+":"+c.Class)
		}
	}
	return out
}

// awsConfig is an SDK configuration for the emulator, for out-of-band
// changes and for listing what really exists.
func awsConfig(t *testing.T, region string) aws.Config {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	cfg, err := awsclient.Load(context.Background(), awsclient.Options{Region: region, Endpoint: emu.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// workdir copies a spec into a fresh directory and resets the emulator, so
// each test starts from an empty account.
func workdir(t *testing.T, spec string) string {
	t.Helper()
	if err := emu.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeSpec(t, dir, spec)
	if strings.Contains(spec, "\ndata:\n  github_oidc:") {
		applyAccount(t, dir)
	}
	return dir
}

// applyAccount applies the repository's account.yaml in dir, as an
// operator does once per account: a spec reading the account's OIDC
// provider under data: needs it to exist.
func applyAccount(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "account.yaml"), []byte(readFile(t, filepath.Join(root, "account.yaml"))), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := reconcile(t, dir, "--spec", "account.yaml"); r.Code != 0 {
		t.Fatalf("apply account.yaml failed: %s", r)
	}
}

func writeSpec(t *testing.T, dir, spec string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
