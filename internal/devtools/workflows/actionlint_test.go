package workflows

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// TestActionlint runs actionlint over every workflow: syntax, expressions and
// their types, action inputs, runner labels, job needs, and (when shellcheck
// is installed; .ci/run does not require it) the `run:` scripts.
func TestActionlint(t *testing.T) {
	opts := &actionlint.LinterOptions{}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = sc
	} else {
		t.Log("shellcheck not installed: run scripts are not shellchecked (apt-get install shellcheck)")
	}
	var out strings.Builder
	linter, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	project, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.LintFiles(workflowFiles(t), project)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}
