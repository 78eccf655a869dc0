// Package planfile saves a plan for a later apply, with what it was made
// from (the spec's digest and its resources', the inputs' digests, the
// state serial, a digest of each field of each observation), and checks on
// apply that all of it still holds, naming what moved when it does not. The
// file is a versioned, gzip-compressed JSON document that holds no secret:
// sensitive values appear only as their digests.
package planfile
