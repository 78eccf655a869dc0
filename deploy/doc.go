// Package deploy moves a Lambda function of an applied stack to a new
// image: it publishes a version, moves the function's alias to it,
// smoke-tests the alias, rolls the alias back when the test fails, and
// records what it did in the stack's state through reconcile.Saver, the
// writer apply uses. It is a workflow on top of the engine and the Lambda
// kinds (their code operations and the alias's id format); the engine knows
// nothing of it.
package deploy
