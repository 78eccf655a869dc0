// Package awsclient builds the one aws.Config every client of a run shares
// (region, endpoint override for emulators, the retry policy), asks STS once
// for the account and partition of its credentials (Identity), and counts
// the run's AWS calls by operation and phase (Stats).
package awsclient
