// Package jsonschema generates the JSON Schema of spec.yaml from the
// schemas of the resource types (spec.TypeSchema), so an editor completes
// field names and flags mistakes as they are typed. It describes what the
// loader (reconcile/spec) accepts; the loader stays the authority, and a
// test holds the two to the same verdict on every example of the README.
package jsonschema
