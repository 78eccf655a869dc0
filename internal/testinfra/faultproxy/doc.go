// Package faultproxy is the fault injector of the reliability tests: a
// loopback HTTP proxy between the AWS SDK and the emulator that, at seeded
// rates, answers throttling errors and 5xx in each service's own protocol,
// closes connections before forwarding, and — the case a retried create
// must survive — forwards a request, lets the emulator carry it out, and
// then loses the answer. It counts what it injected, by kind.
package faultproxy
