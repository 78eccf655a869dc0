// Package kinds wires every resource kind the stack may declare to AWS
// clients built from one configuration. The CLI and the local stack
// (internal/localup) share it; it lives under resources/ so it can reach the indexes the kinds share (resources/internal), so both accept the same spec.
package kinds
