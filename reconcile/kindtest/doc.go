// Package kindtest checks a kind against a real emulator the way the engine
// drives it: observe, diff with reconcile.ComputeDiff, update what differs.
package kindtest
