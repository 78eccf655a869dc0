package kinds

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func loadSpec(t *testing.T, data []byte, env string) (*spec.Spec, error) {
	t.Helper()
	return spec.Load("spec.yaml", data, spec.LoadOptions{
		Environment: env, Types: reconcile.Schemas(All(aws.Config{})),
		LookupEnv: func(k string) (string, bool) { return "sk-test", k == "OPENAI_API_KEY" },
	})
}

// deploySubject digs the GitHub subject out of deploy_role's trust policy.
func deploySubject(t *testing.T, sp *spec.Spec) any {
	t.Helper()
	doc, _ := sp.Resources["deploy_role"].Props["assume_role_policy"].(map[string]any)
	sts, _ := doc["Statement"].([]any)
	if len(sts) != 1 {
		t.Fatalf("deploy_role's trust policy has %d statements, want 1: %v", len(sts), doc)
	}
	st, _ := sts[0].(map[string]any)
	cond, _ := st["Condition"].(map[string]any)
	eq, _ := cond["StringEquals"].(map[string]any)
	if _, like := cond["StringLike"]; like {
		t.Errorf("deploy_role's trust policy matches with StringLike: %v", cond)
	}
	return eq["token.actions.githubusercontent.com:sub"]
}

// TestDeployRolesTrustExactlyTheirDeployer: dev's deploy role is assumed by
// pushes to main, prod's by the GitHub environment prod, nothing else.
func TestDeployRolesTrustExactlyTheirDeployer(t *testing.T) {
	data, err := os.ReadFile("../../spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"dev":  "repo:${input.github_repository}:ref:refs/heads/main",
		"prod": "repo:${input.github_repository}:environment:prod",
	}
	for env, sub := range want {
		t.Run(env, func(t *testing.T) {
			sp, err := loadSpec(t, data, env)
			if err != nil {
				t.Fatal(err)
			}
			if got := deploySubject(t, sp); got != sub {
				t.Errorf("deploy_role trusts %v, want %q", got, sub)
			}
		})
	}
}

// TestWildcardDeploySubjectIsRefused: validation refuses, with file, line
// and field, a deploy role any branch of the repository could assume.
func TestWildcardDeploySubjectIsRefused(t *testing.T) {
	data, err := os.ReadFile("../../spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exact := "repo:${input.github_repository}:ref:refs/heads/main"
	cases := map[string]string{
		"any ref":    "repo:${input.github_repository}:*",
		"any branch": "repo:${input.github_repository}:ref:refs/heads/*",
		"any repo":   "repo:trip-assistant/*",
	}
	for name, sub := range cases {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(string(data), exact) {
				t.Fatalf("spec.yaml no longer holds %q", exact)
			}
			edited := strings.Replace(string(data), exact, sub, 1)
			_, err := loadSpec(t, []byte(edited), "dev")
			var errs spec.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("loading a deploy role trusting %q: %v, want spec errors", sub, err)
			}
			msg := errs.Error()
			// Validation sees the input's value (its default here).
			shown := strings.ReplaceAll(sub, "${input.github_repository}", "trip-assistant/trip-assistant")
			for _, w := range []string{"spec.yaml:", "resources.deploy_role.properties.assume_role_policy", `is "` + shown + `"`} {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			if !strings.Contains(msg, "never a wildcard") && !strings.Contains(msg, "without wildcards") {
				t.Errorf("error does not say the wildcard is refused:\n%s", msg)
			}
		})
	}
}
