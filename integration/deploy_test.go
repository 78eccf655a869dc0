//go:build integration

package integration

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	rc "github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/ssmstate"
)

// applied applies the repository's spec.yaml from empty and returns the
// work directory and the api repository's URL.
func applied(t *testing.T) (dir, repo string) {
	t.Helper()
	dir = workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	mustApply(t, dir)
	p, r := plan(t, dir)
	if r.Code != 0 {
		t.Fatalf("re-plan after the first apply: %v\n%s", p.changed(), r)
	}
	repo, _ = p.Outputs["api_repository_url"].(string)
	if repo == "" {
		t.Fatalf("no api_repository_url output: %v", p.Outputs)
	}
	return dir, repo
}

// healthServer answers every request with status.
func healthServer(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/health"
}

func deploy(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return reconcile(t, dir, append([]string{"deploy", "--spec", "spec.yaml", "--function", "api"}, args...)...)
}

func aliasVersion(t *testing.T, lam *lambda.Client) string {
	t.Helper()
	out, err := lam.GetAlias(context.Background(), &lambda.GetAliasInput{FunctionName: aws.String(apiFn), Name: aws.String("live")})
	must(t, err)
	return aws.ToString(out.FunctionVersion)
}

func latestImage(t *testing.T, lam *lambda.Client) string {
	t.Helper()
	out, err := lam.GetFunction(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String(apiFn)})
	must(t, err)
	return aws.ToString(out.Code.ImageUri)
}

func deployRecord(t *testing.T) map[string]string {
	t.Helper()
	st, err := ssmstate.New(awsConfig(t, "us-east-2"), "trip-assistant", "dev").Load(context.Background())
	must(t, err)
	return st.Resources["api"].Extra
}

func TestDeployMovesTheAliasToANewVersion(t *testing.T) {
	dir, repo := applied(t)
	lam := lambda.NewFromConfig(awsConfig(t, "us-east-2"))
	if v := aliasVersion(t, lam); v != "1" {
		t.Fatalf("alias live is on version %s after the first apply, want 1", v)
	}
	health := healthServer(t, http.StatusOK)

	for i, tag := range []string{"v2", "v3"} {
		image := repo + ":" + tag
		r := deploy(t, dir, "--image", image, "--smoke-url", health)
		if r.Code != 0 {
			t.Fatalf("deploy %s: %s", tag, r)
		}
		prev, want := i+1, i+2
		for _, line := range []string{
			"Deploying " + apiFn + ": image " + image + " → version " + strconv.Itoa(want) + ", alias live " + strconv.Itoa(prev) + " → " + strconv.Itoa(want),
			"Smoke test GET " + health + ": 200 OK",
			"Deployed.",
		} {
			if !strings.Contains(r.Stdout, line) {
				t.Errorf("deploy %s output lacks %q:\n%s", tag, line, r)
			}
		}
		if v := aliasVersion(t, lam); v != strconv.Itoa(want) {
			t.Errorf("after deploying %s alias live is on version %s, want %d", tag, v, want)
		}
		if got := latestImage(t, lam); got != image {
			t.Errorf("after deploying %s the function's image is %s", tag, got)
		}
		if x := deployRecord(t); x["image"] != image || x["version"] != strconv.Itoa(want) || x["deployed_at"] == "" {
			t.Errorf("state records %v after deploying %s", x, tag)
		}
		// The image is CD's and the alias follows the latest version: the
		// drift check has nothing to say.
		if p, r := plan(t, dir); r.Code != 0 {
			t.Errorf("drift check after deploying %s: %v\n%s", tag, p.changed(), r)
		}
	}
}

func TestDeployRollsBackWhenTheSmokeTestFails(t *testing.T) {
	dir, repo := applied(t)
	lam := lambda.NewFromConfig(awsConfig(t, "us-east-2"))
	before := latestImage(t, lam)
	bad := repo + ":broken"

	r := deploy(t, dir, "--image", bad, "--smoke-url", healthServer(t, http.StatusInternalServerError), "--smoke-attempts", "2", "--smoke-interval", "10ms")
	if r.Code != 1 {
		t.Fatalf("a deploy whose smoke test fails exited %d, want 1: %s", r.Code, r)
	}
	for _, want := range []string{
		"Deploying " + apiFn + ": image " + bad + " → version 2, alias live 1 → 2",
		"attempt 2 of 2: answered 500 Internal Server Error",
		"Rolled back alias live of " + apiFn + " to version 1.",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r)
		}
	}
	if !strings.Contains(r.Stderr, "failed and was rolled back") {
		t.Errorf("the error does not say the deploy was rolled back:\n%s", r)
	}

	// The known-good image is republished as version 3 and served: the
	// latest version is good code, so the alias and ${api.version} agree.
	if v := aliasVersion(t, lam); v != "3" {
		t.Errorf("after the rollback alias live is on version %s, want 3 (version 1's image republished)", v)
	}
	if got := latestImage(t, lam); got == bad || !strings.HasPrefix(got, repo) {
		t.Errorf("after the rollback the function's image is %s; want version 1's image (%s)", got, before)
	}
	x := deployRecord(t)
	if x["rolled_back_from"] != "2" || x["failed_image"] != bad || x["version"] != "3" {
		t.Errorf("state records %v after the rollback", x)
	}
	if p, r := plan(t, dir); r.Code != 0 {
		t.Errorf("drift check after the rollback: %v\n%s", p.changed(), r)
	}

	// A good deploy afterwards clears the rollback record.
	good := repo + ":v2"
	if r := deploy(t, dir, "--image", good, "--smoke-url", healthServer(t, http.StatusOK)); r.Code != 0 {
		t.Fatalf("deploy after a rollback: %s", r)
	}
	if x := deployRecord(t); x["rolled_back_from"] != "" || x["image"] != good || x["version"] != "4" {
		t.Errorf("state records %v after a good deploy", x)
	}
}

func TestDeployIsRefusedWhileTheStackIsLocked(t *testing.T) {
	dir, repo := applied(t)
	lam := lambda.NewFromConfig(awsConfig(t, "us-east-2"))
	store := ssmstate.New(awsConfig(t, "us-east-2"), "trip-assistant", "dev")
	ctx := context.Background()
	must(t, store.Lock(ctx, rc.LockInfo{ID: "held-by-test", Who: "someone@elsewhere", Since: time.Now(), Operation: "apply"}))
	t.Cleanup(func() { _ = store.Unlock(ctx, "held-by-test") })

	start := time.Now()
	r := deploy(t, dir, "--image", repo+":v2", "--smoke-url", healthServer(t, http.StatusOK))
	if r.Code != 1 {
		t.Fatalf("deploy while locked exited %d, want 1: %s", r.Code, r)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("the refusal took %s: it must not wait for the lock", time.Since(start))
	}
	for _, want := range []string{"locked by run held-by-test", "someone@elsewhere", "reconcile unlock --spec spec.yaml held-by-test"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, r)
		}
	}
	if v := aliasVersion(t, lam); v != "1" {
		t.Errorf("a refused deploy moved alias live to version %s", v)
	}
	holder, err := store.ReadLock(ctx)
	must(t, err)
	if holder == nil || holder.ID != "held-by-test" {
		t.Errorf("the lock is now held by %+v, want the test's", holder)
	}
}

func TestDeployDryRunChangesNothing(t *testing.T) {
	dir, repo := applied(t)
	lam := lambda.NewFromConfig(awsConfig(t, "us-east-2"))
	before := latestImage(t, lam)
	r := deploy(t, dir, "--image", repo+":v2", "--dry-run")
	if r.Code != 0 {
		t.Fatalf("dry run: %s", r)
	}
	for _, want := range []string{"Would deploy " + apiFn, "alias live 1", "Smoke test: invoke " + apiFn + ":live with {}", "nothing changed"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r)
		}
	}
	if v := aliasVersion(t, lam); v != "1" {
		t.Errorf("a dry run moved alias live to version %s", v)
	}
	if got := latestImage(t, lam); got != before {
		t.Errorf("a dry run changed the image to %s", got)
	}
}

func TestDeployRefusesAStackNeverApplied(t *testing.T) {
	dir := workdir(t, readFile(t, filepath.Join(root, "spec.yaml")))
	r := deploy(t, dir, "--image", "123456789012.dkr.ecr.us-east-2.amazonaws.com/x:v2")
	if r.Code != 1 || !strings.Contains(r.Stderr, `function "api" of trip-assistant/dev has never been applied`) {
		t.Errorf("deploy before any apply: %s", r)
	}
}
