// Package statecmd holds the logic of `reconcile state`: list, show and
// forget the resources the state records (what Terraform users reach for as
// `terraform state list/show/rm`), and list and put back the record's past
// versions. Commands that write take the stack's lock; none touches AWS
// beyond the state store.
package statecmd
