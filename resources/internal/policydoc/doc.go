// Package policydoc reads, writes, compares and checks IAM policy documents
// for the IAM resource kinds. AWS rewrites what it stores (single-item arrays
// become strings, statements and actions are reordered, documents come back
// URL-encoded), so documents are compared semantically with
// hashicorp/awspolicyequivalence, never as text.
package policydoc
