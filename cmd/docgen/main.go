package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/devtools/docgen"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec/jsonschema"
	"github.com/trip-assistant/stack/resources/kinds"
)

func main() {
	readme := flag.String("readme", "README.md", "the Markdown file whose generated sections to rewrite")
	schema := flag.String("schema", "spec.schema.json", "the JSON Schema of spec.yaml to rewrite")
	flag.Parse()
	if err := run(*readme); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	if err := writeSchema(*schema); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(readme string) error {
	// Kinds describe their schemas without calling AWS: an empty config
	// serves, as it does for validation.
	body, err := docgen.KindReference(reconcile.Schemas(kinds.All(aws.Config{})))
	if err != nil {
		return err
	}
	changed, err := docgen.UpdateFile(readme, docgen.KindSection, body)
	if err != nil {
		return err
	}
	if changed {
		fmt.Printf("%s: kind reference rewritten\n", readme)
	} else {
		fmt.Printf("%s: kind reference up to date\n", readme)
	}
	return nil
}

// writeSchema rewrites the JSON Schema editors check spec.yaml with.
func writeSchema(path string) error {
	body, err := jsonschema.Generate(reconcile.Schemas(kinds.All(aws.Config{})))
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, body) {
		fmt.Printf("%s: up to date\n", path)
		return nil
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		return fmt.Errorf("cannot write the spec's JSON schema: %w", err)
	}
	fmt.Printf("%s: rewritten\n", path)
	return nil
}
