// Package archtest holds no code, only a test: it checks the rules of the
// arrows between packages that README.md's "Architecture" section states
// (the engine never imports a kind, the spec sits below the engine, kinds
// do not import each other), so the section and the code cannot drift.
package archtest
