package docgen_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/spec"
	"github.com/trip-assistant/stack/reconcile/spec/jsonschema"
	"github.com/trip-assistant/stack/resources/kinds"
)

const schemaFile = "../../../spec.schema.json"

// The committed schema is what the kinds the CLI wires generate.
func TestSpecSchemaIsCurrent(t *testing.T) {
	want, err := jsonschema.Generate(reconcile.Schemas(kinds.All(aws.Config{})))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("spec.schema.json is stale: run `make docs` and commit it (-want +got):\n%s", diff)
	}
}

// spec.yaml names the schema on its first line, as the YAML language
// server reads it.
func TestSpecNamesSchema(t *testing.T) {
	b, err := os.ReadFile("../../../spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if first != "# yaml-language-server: $schema=./spec.schema.json" {
		t.Errorf("spec.yaml's first line is %q, want the schema's modeline", first)
	}
}

func compileSchema(t *testing.T) *validator.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := validator.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := validator.NewCompiler()
	if err := c.AddResource(jsonschema.ID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(jsonschema.ID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// verdicts loads a spec text through the loader (in every environment it
// declares, as a run with --env would) and through the JSON Schema, and
// returns both errors.
func verdicts(t *testing.T, s *validator.Schema, text string) (loaderErr, schemaErr error) {
	t.Helper()
	var tree any
	if err := yaml.Unmarshal([]byte(text), &tree); err != nil {
		t.Fatalf("not YAML: %v", err)
	}
	b, err := json.Marshal(tree)
	if err != nil {
		t.Fatalf("not JSON-like: %v", err)
	}
	inst, err := validator.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	schemaErr = s.Validate(inst)

	envs := []string{""}
	if m, ok := tree.(map[string]any); ok {
		if e, ok := m["environments"].(map[string]any); ok {
			for name := range e {
				envs = append(envs, name)
			}
		}
	}
	types := reconcile.Schemas(kinds.All(aws.Config{}))
	for _, env := range envs {
		_, err := spec.Load("spec.yaml", []byte(text), spec.LoadOptions{
			Environment: env, Types: types, AllowUnsetInputs: true,
			LookupEnv: func(string) (string, bool) { return "", false },
		})
		if err != nil {
			return err, schemaErr
		}
	}
	return nil, schemaErr
}

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// Every spec the README shows, and spec.yaml itself, are accepted by both
// the loader and the schema.
func TestSchemaAcceptsTheExamples(t *testing.T) {
	s := compileSchema(t)
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string]string{}
	for i, m := range yamlBlock.FindAllStringSubmatch(string(readme), -1) {
		var top map[string]any
		if yaml.Unmarshal([]byte(m[1]), &top) == nil && top["project"] != nil {
			examples["README.md example "+string(rune('1'+i))] = m[1]
		}
	}
	if len(examples) == 0 {
		t.Fatal("the README shows no spec")
	}
	own, err := os.ReadFile("../../../spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	examples["spec.yaml"] = string(own)
	for name, text := range examples {
		t.Run(name, func(t *testing.T) {
			lerr, serr := verdicts(t, s, text)
			if lerr != nil {
				t.Errorf("the loader refuses it: %v", lerr)
			}
			if serr != nil {
				t.Errorf("the schema refuses it: %v", serr)
			}
		})
	}
}

// The schema and the loader agree on what they refuse, and on the edge
// cases they accept.
func TestSchemaAgreesWithTheLoader(t *testing.T) {
	s := compileSchema(t)
	const base = `project: demo
region: us-east-2
inputs:
  key: {env: KEY, sensitive: true}
resources:
  logs:
    type: logs.log_group
    properties: {name: /aws/lambda/demo, retention_days: 7}
  role:
    type: iam.role
    properties:
      name: demo-role
      assume_role_policy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]
`
	cases := map[string]struct {
		edit   func(string) string
		accept bool
		// loaderOnly: what only the loader can tell (references, cycles,
		// AWS naming rules, ranges): the schema accepts it.
		loaderOnly bool
	}{
		"an unknown reference (loader only)":    {edit: replace("retention_days: 7", `retention_days: "${input.days}"`), loaderOnly: true},
		"a name AWS refuses (loader only)":      {edit: replace("name: demo-role", "name: demo role!"), loaderOnly: true},
		"a retention AWS refuses (loader only)": {edit: replace("retention_days: 7", "retention_days: 8"), loaderOnly: true},
		"the base":                              {edit: func(s string) string { return s }, accept: true},
		"an integer from an input":              {edit: add("  days: {env: DAYS, default: \"7\"}\n", "", true, replace("retention_days: 7", `retention_days: "${input.days}"`)), accept: true},
		"an enumeration from an input":          {edit: add("  tier: {env: TIER, default: Standard}\n", "", true, add("  p: {type: ssm.parameter, properties: {name: /demo/p, value: x, tier: \"${input.tier}\"}}\n", "", false, nil)), accept: true},
		"a disabled resource is not read":       {edit: add("  off: {type: lambda.function, enabled: false, properties: {whatever: 1}}\n", "", false, nil), accept: true},
		"a data source needs no required field": {edit: add("data:\n  shared: {type: iam.role, properties: {name: shared}}\n", "", false, nil), accept: true},
		"environments: an override and an empty one": {
			edit: add("environments:\n  dev:\n  prod:\n    region: eu-west-1\n    resources:\n      logs: {protect: true, properties: {retention_days: 30}}\n", "", false, nil), accept: true,
		},
		"unknown top-level field":              {edit: add("output: {}\n", "", false, nil), accept: false},
		"unknown resource field":               {edit: replace("properties: {name: /aws/lambda/demo, retention_days: 7}", "properties: {name: /aws/lambda/demo, retention: 7}"), accept: false},
		"unknown resource key":                 {edit: replace("    type: logs.log_group\n", "    type: logs.log_group\n    protected: true\n"), accept: false},
		"unknown type":                         {edit: replace("type: logs.log_group", "type: logs.group"), accept: false},
		"a missing required field":             {edit: replace("      name: demo-role\n", ""), accept: false},
		"a missing type":                       {edit: replace("    type: logs.log_group\n", ""), accept: false},
		"a string for an integer":              {edit: replace("retention_days: 7", "retention_days: lots"), accept: false},
		"an integer for a list":                {edit: add("  p: {type: lambda.function, properties: {name: f, role: r, architectures: 1}}\n", "", false, nil), accept: false},
		"a value out of an enumeration":        {edit: add("  p: {type: ssm.parameter, properties: {name: /demo/p, value: x, tier: Huge}}\n", "", false, nil), accept: false},
		"a sensitive input with a default":     {edit: replace("key: {env: KEY, sensitive: true}", "key: {env: KEY, sensitive: true, default: x}"), accept: false},
		"an input without env":                 {edit: replace("key: {env: KEY, sensitive: true}", "key: {sensitive: true}"), accept: false},
		"a bad resource name":                  {edit: replace("  logs:\n", "  Logs:\n"), accept: false},
		"a bad project":                        {edit: replace("project: demo", "project: Demo"), accept: false},
		"a bad region":                         {edit: replace("region: us-east-2", "region: mars"), accept: false},
		"a field the stack fills (DeclaredBy)": {edit: replace("      name: demo-role\n", "      name: demo-role\n      inline_policies: [extra]\n"), accept: false},
		"an unknown environment key":           {edit: add("environments:\n  dev:\n    tags: {}\n", "", false, nil), accept: false},
		"an environment override of an unknown resource key": {
			edit: add("environments:\n  dev:\n    resources:\n      logs: {protected: true}\n", "", false, nil), accept: false,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			text := tc.edit(base)
			lerr, serr := verdicts(t, s, text)
			t.Logf("loader: %v\nschema: %v", lerr, serr)
			if (lerr == nil) != tc.accept {
				t.Errorf("the loader: %v, want accept=%v", lerr, tc.accept)
			}
			if (serr == nil) != (tc.accept || tc.loaderOnly) {
				t.Errorf("the schema: %v, want accept=%v", serr, tc.accept)
			}
		})
	}
}

// replace edits a spec text; the old text must be there.
func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("the spec holds no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

// add inserts text before the line at, or at the end when at is "";
// then applies next, if any. inInputs puts it under inputs:.
func add(text, at string, inInputs bool, next func(string) string) func(string) string {
	return func(s string) string {
		switch {
		case inInputs:
			s = strings.Replace(s, "inputs:\n", "inputs:\n"+text, 1)
		case at == "":
			s += text
		default:
			s = strings.Replace(s, at, text+at, 1)
		}
		if next != nil {
			s = next(s)
		}
		return s
	}
}
