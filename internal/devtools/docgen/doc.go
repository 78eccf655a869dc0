// Package docgen writes the README's reference of resource kinds from the
// kinds' own schemas (every Field's Type, Required, Default, Doc, ...), so
// the reference cannot drift from what the spec loader accepts. It owns the
// Markdown of that reference and the marker comments that delimit a
// generated section; cmd/docgen wires it to the real kinds.
package docgen
