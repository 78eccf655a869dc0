package docgen_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/internal/devtools/docgen"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/kinds"
)

// The README's kind reference is what the kinds the CLI wires declare.
func TestREADMEKindReferenceIsCurrent(t *testing.T) {
	const readme = "../../../README.md"
	want, err := docgen.KindReference(reconcile.Schemas(kinds.All(aws.Config{})))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	got, err := docgen.Section(doc, docgen.KindSection)
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("README.md's kind reference is stale: run `make docs` (go run ./cmd/docgen) and commit README.md (-want +got):\n%s", diff)
	}
}
