// Package iamindex lists the account's IAM roles once per plan, with
// ListRoles (description, session duration, trust policy) and
// GetAccountAuthorizationDetails (tags, attached managed policies, inline
// policies), so the iam.role and iam.role_policy kinds can observe a batch
// without a GetRole, ListAttachedRolePolicies and GetRolePolicy per
// resource, and iam.role's lister can report unmanaged roles without
// listing them again. The listings cover the whole account, so a batch
// bounds them in pages; what they did not see is read per resource.
package iamindex
