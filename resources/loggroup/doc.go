// Package loggroup reconciles CloudWatch Logs log groups (logs.log_group):
// retention, KMS key and tags. Lambda creates /aws/lambda/<function> on its
// first invocation, so Create adopts a group that already exists.
package loggroup
