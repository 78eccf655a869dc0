// Package tfstate reads a Terraform or OpenTofu state (format version 4,
// as `terraform state pull` prints it) into instances with their Terraform
// addresses, and defines Importer, the interface through which a kind says
// what a Terraform instance is in its terms. Secrets are never kept: a
// sensitive value is replaced by a Secret holding its digest while reading.
package tfstate
