// Command bench measures reconcile against the emulator and prints one
// table: the repository's spec.yaml (apply from empty, no-change plan),
// generated stacks of real kinds (apply, no-change plan, destroy: wall
// time, API calls, peak memory of the CLI process, state writes), how
// those scale from the smallest to the largest stack, the Lambda binaries
// (size, cold init, the api's health path) and the Go benchmarks of the
// pure parts. Budgets are reported, never asserted: `make bench` is run by
// hand on whatever machine is at hand.
//
// The same stacks are then planned in a busy account: one that also holds
// another team's N resources (-busy, default 0,1000,5000), made by the
// bench itself; filling 5,000 takes minutes on the emulator, so CI passes
// a smaller -busy (or "" to skip it). Every apply from empty is also run
// in process once, for the critical path of its walk.
//
// Usage: go run ./cmd/bench [-sizes 50,200,500] [-busy 0,1000,5000] [-skip-go-bench] [-skip-lambdas]
package main
