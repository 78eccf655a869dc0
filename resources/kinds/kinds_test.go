package kinds

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
)

// TestAllTypesUnique guards against two kinds claiming one type name: the
// later would silently replace the earlier in the map.
func TestAllTypesUnique(t *testing.T) {
	got := All(aws.Config{})
	if len(got) != 13 {
		t.Errorf("All has %d kinds, want 13 (a kind added here needs this count bumped)", len(got))
	}
	for name, k := range got {
		if k.Type() != name {
			t.Errorf("kind under %q reports type %q", name, k.Type())
		}
	}
}

// TestRepositorySpecLoadsInEveryEnvironment: the repository's spec.yaml is
// valid, with the real kinds, in each environment it declares.
func TestRepositorySpecLoadsInEveryEnvironment(t *testing.T) {
	env := map[string]string{"OPENAI_API_KEY": "sk-test"}
	for _, name := range []string{"dev", "prod", "local"} {
		t.Run(name, func(t *testing.T) {
			sp, err := spec.LoadFile("../../spec.yaml", spec.LoadOptions{
				Environment: name, Types: reconcile.Schemas(All(aws.Config{})),
				LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			})
			if err != nil {
				t.Fatal(err)
			}
			if sp.Environment != name || len(sp.Resources) == 0 {
				t.Errorf("loaded %s with %d resources", sp.Environment, len(sp.Resources))
			}
		})
	}
}
