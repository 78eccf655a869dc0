// Command reconcile owns an AWS serverless stack declared in spec.yaml:
// it plans, applies and destroys it, explains drift, and deploys images.
//
// main only maps errors to exit codes: 0 success (or no changes with
// --detailed-exitcode), 1 error, 2 changes present with --detailed-exitcode.
package main
