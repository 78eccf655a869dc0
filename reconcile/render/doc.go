// Package render turns a plan and an apply's result into text for a
// terminal, JSON for machines (a versioned schema, see docs/plan-json.md)
// and Markdown for a GitHub job summary. It never sees secret values: the
// plan holds only "(sensitive)" in their place.
package render
