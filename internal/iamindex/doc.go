// Package iamindex lists the account's IAM roles once per run, with
// ListRoles (description, session duration, trust policy) and
// GetAccountAuthorizationDetails (tags, attached managed policies, inline
// policies), so the iam.role and iam.role_policy kinds can observe a batch
// without a GetRole, ListAttachedRolePolicies and GetRolePolicy per
// resource. The listings cover the whole account, so they are bounded in
// pages; what they did not see is read per resource.
package iamindex
