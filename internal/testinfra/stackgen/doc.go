// Package stackgen writes specs of N resources of the real kinds (SSM
// parameters, log groups, ECR repositories, IAM roles with inline
// policies, image Lambda functions), wired by references the way the
// trip-assistant stack is, for measuring plan and apply at scale.
package stackgen
