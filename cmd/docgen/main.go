package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trip-assistant/stack/internal/docgen"
	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/kinds"
)

func main() {
	readme := flag.String("readme", "README.md", "the Markdown file whose generated sections to rewrite")
	flag.Parse()
	if err := run(*readme); err != nil {
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
