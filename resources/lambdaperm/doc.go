// Package lambdaperm reconciles the lambda.permission kind: one statement
// of a function's (or an alias's) resource policy, letting a service such
// as API Gateway invoke it. A statement cannot be changed, only removed and
// added again, so every field is ForceNew. Its ID is
// "function:qualifier:statement_id".
package lambdaperm
