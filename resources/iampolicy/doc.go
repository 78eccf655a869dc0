// Package iampolicy reconciles the iam.role_policy kind: one inline policy
// of an IAM role, identified as "ROLE:NAME". PutRolePolicy both creates and
// replaces, so create and update are the same call. Its schema refuses
// Allow statements that grant their actions on every resource.
package iampolicy
