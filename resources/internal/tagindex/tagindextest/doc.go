// Package tagindextest fakes the Resource Groups Tagging API for the unit
// tests of kinds that use a tag index, and checks each such kind against
// the contract every one shares (ConfirmContract): the index may only
// confirm the desired tags, never invent or hide drift.
package tagindextest
