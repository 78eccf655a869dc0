// Package fakekind holds in-memory fakes of the engine's edges for unit
// tests: a Kind backed by a map (Cloud) whose hooks inject failures and
// delays, a StateStore that counts saves, and a generator of N-resource
// specs for benchmarks. The real emulator is for integration tests.
package fakekind
