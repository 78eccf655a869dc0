// Package iamrole reconciles the iam.role kind: an IAM role, its trust
// policy, the AWS- or customer-managed policies attached to it and its tags.
// Inline policies belong to iam.role_policy; this package only removes them
// when the role itself is deleted, because IAM refuses to delete a role that
// still has any.
package iamrole
