// Package graph holds the algorithms over a stack's dependency graph
// (node → the nodes it depends on): cycle detection, the levels a batched
// read follows, and the parallel walk that applies and deletes in order and
// skips what a failure blocks. It knows nothing of resources or kinds.
package graph
