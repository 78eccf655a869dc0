// Package chaos measures the promises a run of `reconcile` makes when the
// network and the process fail under it: it counts, by listing the
// emulator through the SDK, what the stack has in AWS against what its
// state records (duplicates, orphans either way), and runs the killed-runs
// harness behind `make chaos`, printing its figures against their goals.
package chaos
