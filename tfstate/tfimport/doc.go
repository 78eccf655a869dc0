// Package tfimport takes over what a Terraform state describes: it turns
// the state's instances into resources of our kinds (Convert), matches
// them to a spec's resources to make state records without any AWS call
// (Match), and writes a spec from them when there is none yet (WriteSpec).
package tfimport
