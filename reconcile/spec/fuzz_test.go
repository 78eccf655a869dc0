package spec_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// FuzzLoad: whatever the bytes, Load returns a spec or errors, never
// panics or hangs.
func FuzzLoad(f *testing.F) {
	// The repository's own spec.yaml seeds too, read where it lives.
	seeds, _ := filepath.Glob("testdata/*.yaml")
	seeds = append(seeds, "../../spec.yaml")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
		f.Add(data, "prod")
	}
	f.Add(fakekind.GenerateSpec(12), "")
	f.Add([]byte("a: &a [x]\nb: *a\n"), "")
	kinds := fakekind.Registry(fakekind.NewCloud())
	lookup := func(k string) (string, bool) { return "value-of-" + k, true }
	f.Fuzz(func(t *testing.T, data []byte, environment string) {
		s, err := spec.Load("fuzz.yaml", data, spec.LoadOptions{Environment: environment, Types: reconcile.Schemas(kinds), LookupEnv: lookup})
		if err == nil && s == nil {
			t.Fatal("spec.Load() returned neither a spec nor an error")
		}
		if err != nil {
			_ = err.Error()
		}
	})
}
