// Package busyaccount fills an account with another team's resources (IAM
// roles with inline policies, SSM parameters, log groups, ECR repositories,
// Lambda functions), none named with a prefix of ours, so that a benchmark
// can measure what a plan costs in an account that is not empty.
package busyaccount
