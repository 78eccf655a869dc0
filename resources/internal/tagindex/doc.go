// Package tagindex reads the tags of every resource of one stack with a
// single paginated Resource Groups Tagging API listing (GetResources
// filtered on the engine's reconcile:stack tag), shared by the kinds of a
// run, so a no-change plan need not read each resource's tags on its own.
// The listing is eventually consistent: a kind trusts it only to confirm
// that tags equal the desired ones (see Index.Confirm).
package tagindex
