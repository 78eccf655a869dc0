package workflows

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestShellScripts shellchecks the CI entry point and the helper scripts
// (actionlint shellchecks the workflows' run: steps). .ci/run installs
// shellcheck; elsewhere the test skips without it.
func TestShellScripts(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (scripts/install-deps.sh shellcheck)")
	}
	scripts, err := filepath.Glob(filepath.Join(root, "scripts", "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	scripts = append(scripts, filepath.Join(root, ".ci", "run"))
	out, err := exec.Command(sc, append([]string{"--shell=bash", "--severity=warning"}, scripts...)...).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck %v: %v\n%s", scripts, err, out)
	}
}
