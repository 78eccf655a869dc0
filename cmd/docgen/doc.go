// Command docgen rewrites the generated sections of README.md (`make docs`):
// the reference of resource kinds, from the schemas of every kind the CLI
// wires; and spec.schema.json, the JSON Schema of spec.yaml. It only wires;
// internal/devtools/docgen and reconcile/spec/jsonschema render.
package main
