// Package lambdafn reconciles the lambda.function kind: a container-image
// Lambda function, its configuration, tags and published versions. The image
// is set on creation only: after that CD owns it, and Update changes the code
// only when the engine's diff names image_uri (the spec opted in with
// `manage`). Calls that IAM's eventual consistency makes fail for a while
// after the execution role changed are retried for a bounded time. A plan
// lists the account's function versions once, for its batches and List.
package lambdafn
