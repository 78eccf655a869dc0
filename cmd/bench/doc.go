// Command bench measures reconcile against the emulator and prints one
// table: the repository's spec.yaml (apply from empty, no-change plan),
// generated stacks of real kinds (apply, no-change plan, destroy: wall
// time, API calls, peak memory of the CLI process, state writes), how
// those scale from the smallest to the largest stack, the Lambda binaries
// (size, cold init, the api's health path) and the Go benchmarks of the
// pure parts. Budgets are reported, never asserted: `make bench` is run by
// hand on whatever machine is at hand.
//
// Usage: go run ./cmd/bench [-sizes 50,200,500] [-skip-go-bench]
package main
