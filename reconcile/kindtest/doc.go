// Package kindtest checks a kind against a real emulator the way the engine
// drives it: observe, diff with reconcile.ComputeDiff, update what differs,
// delete (twice: deleting the absent succeeds) and observe it gone.
package kindtest
