package workflows

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDriftCheckNeedsNoSecret: the daily drift check only plans, so it runs
// without the OpenAI key (the secret's value is reported as not compared);
// the key stays with the workflows that apply.
func TestDriftCheckNeedsNoSecret(t *testing.T) {
	path := filepath.Join(workflowsDir, "drift.yml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "secrets.OPENAI_API_KEY") {
		t.Error("drift.yml asks for secrets.OPENAI_API_KEY: a plan runs without it")
	}
	calls := 0
	for _, w := range loadWorkflows(t) {
		if w.file != "drift.yml" {
			continue
		}
		for _, s := range runSteps(w) {
			for _, cmd := range commands(s.script) {
				if len(cmd) == 0 || cmd[0] != reconcileBinary {
					continue
				}
				calls++
				// Without the key only a plan can run: apply refuses.
				if !slices.Contains(cmd, "--dry-run") && !slices.Contains(cmd, "plan") {
					t.Errorf("%s: %s does not only plan, and would need the key", s.where, strings.Join(cmd, " "))
				}
			}
		}
	}
	if calls == 0 {
		t.Error("drift.yml runs no reconcile command")
	}
}
