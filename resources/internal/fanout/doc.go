// Package fanout runs the per-resource reads of a batch observation
// (tags, lifecycle policies: AWS has no batch read for them) a few at a
// time. The engine gives a batch one of its parallel slots; reading a
// hundred resources' tags one after the other inside it would make the
// whole level of the plan wait for the slowest kind.
package fanout
