// Package graph holds the pure algorithms over a stack's dependency graph
// (node → the nodes it depends on): cycle detection, and the levels a
// parallel walk follows. It knows nothing of resources or kinds.
package graph
