package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/rhysd/actionlint"
)

// root is the repository root, seen from this package's directory (where
// `go test` runs the test binary).
const root = "../../.."

var workflowsDir = filepath.Join(root, ".github", "workflows")

// workflow is one parsed workflow file.
type workflow struct {
	file string // base name, for messages
	ast  *actionlint.Workflow
}

// loadWorkflows parses every workflow file; syntax errors fail the test
// (TestActionlint reports them in full).
func loadWorkflows(t *testing.T) []workflow {
	t.Helper()
	files := workflowFiles(t)
	var out []workflow
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		w, errs := actionlint.Parse(b)
		if len(errs) > 0 {
			t.Fatalf("cannot parse %s: %v", path, errs[0])
		}
		out = append(out, workflow{file: filepath.Base(path), ast: w})
	}
	return out
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(workflowsDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no workflow files in %s", workflowsDir)
	}
	sort.Strings(files)
	return files
}

// runStep is one `run:` script and where it is.
type runStep struct {
	where  string // "deploy.yml job deploy step 3 (Deploy the api function)"
	job    string
	index  int
	script string
}

func runSteps(w workflow) []runStep {
	var out []runStep
	for _, id := range jobIDs(w) {
		for i, s := range w.ast.Jobs[id].Steps {
			r, ok := s.Exec.(*actionlint.ExecRun)
			if !ok || r.Run == nil {
				continue
			}
			where := fmt.Sprintf("%s job %s step %d", w.file, id, i+1)
			if s.Name != nil {
				where += " (" + s.Name.Value + ")"
			}
			out = append(out, runStep{where: where, job: id, index: i, script: r.Run.Value})
		}
	}
	return out
}
