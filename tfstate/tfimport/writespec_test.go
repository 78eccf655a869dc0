package tfimport

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/tfstate"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const golden = "testdata/trip-assistant.spec.yaml"

func TestWriteSpecGolden(t *testing.T) {
	set, ks := loadFixture(t)
	w, err := WriteSpec(set, ks, WriteOptions{Source: "trip-assistant.tfstate"})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(golden, w.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(w.YAML)); diff != "" {
		t.Errorf("spec (-want +got), go test -update rewrites it:\n%s", diff)
	}
	wantNotes := []string{"set OPENAI_API_KEY_VALUE to the value of openai_api_key's value before the first apply (Terraform kept it in its state; this file does not)"}
	if diff := cmp.Diff(wantNotes, w.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	for _, out := range append([]string{string(w.YAML)}, w.Notes...) {
		if strings.Contains(out, "sk-FIXTURE") {
			t.Fatal("the written spec holds the secret")
		}
	}
}

// The written spec loads, matches every imported resource, and its values
// are what Terraform left live: a plan after the import would find
// nothing to change but what the spec cannot say (ownership tags).
func TestWriteSpecRoundTrip(t *testing.T) {
	set, ks := loadFixture(t)
	w, err := WriteSpec(set, ks, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, w.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	sp := loadSpec(t, path, ks)
	res, err := Match(set, sp, ks)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matched) != len(set.Resources) || len(res.UnmatchedInstances) != 0 || len(res.UnmatchedSpec) != 0 {
		t.Fatalf("matched %d of %d; unmatched instances %+v, spec %+v", len(res.Matched), len(set.Resources), res.UnmatchedInstances, res.UnmatchedSpec)
	}
	byAddr := map[string]*Resource{}
	for _, r := range set.Resources {
		byAddr[r.Address] = r
	}
	matched := map[string]*Resource{}
	for _, m := range res.Matched {
		matched[m.Name] = byAddr[m.Address]
		if w.Names[m.Name] != m.Address {
			t.Errorf("%s matched %s; written for %s", m.Name, m.Address, w.Names[m.Name])
		}
	}
	view := viewOf(sp)
	lookup := func(expr string) (string, bool) {
		switch expr {
		case "project":
			return view.Project, true
		case "environment":
			return view.Environment, true
		case "region":
			return view.Region, true
		case "account_id":
			return set.AccountID, true
		}
		name, attr, _ := strings.Cut(expr, ".")
		r, ok := matched[name]
		if !ok {
			return "", false
		}
		return r.Attrs[attr], true
	}
	for _, sr := range view.Resources {
		r := matched[sr.Name]
		schema := ks[sr.Type].Schema()
		want := spec.WithDefaults(schema, r.Props)
		got := spec.WithDefaults(schema, resolve(sr.Props, lookup))
		for k, v := range want {
			if _, secret := v.(tfstate.Secret); secret {
				if s, _ := sr.Props[k].(string); !strings.HasPrefix(s, "${input.") || !view.Inputs[strings.TrimSuffix(strings.TrimPrefix(s, "${input."), "}")].Sensitive {
					t.Errorf("%s.%s: secret written as %v, want a sensitive input", sr.Name, k, sr.Props[k])
				}
				delete(want, k)
				delete(got, k)
			}
		}
		if diff := cmp.Diff(want, got, cmp.Transformer("props", func(p spec.Props) map[string]any { return p })); diff != "" {
			t.Errorf("%s: resolved spec differs from Terraform's values (-terraform +spec):\n%s", sr.Name, diff)
		}
	}
}
