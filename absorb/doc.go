// Package absorb holds the logic of `reconcile absorb`, apply the other
// way round: it writes the live value of each out-of-band change a plan
// found into the spec's text. It edits the YAML node tree's scalars in
// place, splicing each new value into the original bytes at its node's
// position, so comments, anchors, key order and layout stay as they were;
// and it shows the edit as a unified diff.
package absorb
