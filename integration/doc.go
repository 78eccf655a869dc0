// Package integration runs the reconcile CLI end to end against a real AWS
// emulator over HTTP (moto_server, started by the tests; or the endpoint in
// AWS_ENDPOINT_URL; or EMULATOR_IMAGE through testcontainers). The tests
// carry the build tag "integration": go test -tags integration ./integration/
package integration
