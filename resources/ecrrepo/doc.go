// Package ecrrepo reconciles ECR repositories (ecr.repository): tag
// mutability, scan on push, the lifecycle policy (compared semantically,
// since ECR reorders what it stores) and tags. Whether Delete removes a
// repository that still holds images is part of the ID, not of AWS.
package ecrrepo
