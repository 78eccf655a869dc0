// Command docgen rewrites the generated sections of README.md (`make docs`):
// the reference of resource kinds, from the schemas of every kind the CLI
// wires. It only wires; internal/docgen renders.
package main
