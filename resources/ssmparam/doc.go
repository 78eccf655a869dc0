// Package ssmparam reconciles SSM Parameter Store parameters (ssm.parameter):
// the value, type, tier, KMS key, description and tags of one named
// parameter. The value is sensitive: it is read back decrypted so the engine
// can compare digests, and never appears in an error this package returns.
package ssmparam
