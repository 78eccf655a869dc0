// Package batch holds what the kinds that read many resources per call
// share: grouping a batch of observe requests by the name each identifies,
// and observing one resource through the batch path.
package batch
