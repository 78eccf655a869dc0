// Package adopt holds the logic of `reconcile import`: it records live
// resources in the stack's state without any AWS write, either every
// resource a Terraform state describes (Terraform: tfimport's Convert and
// Match, then one state write under the lock) or one resource by its
// physical id (One: read through its kind, refused when absent or owned by
// another stack). The records carry no digest, which the plan reads as
// imported and never applied: what differs from the spec is adopted.
package adopt
