// Package emulator starts the AWS emulator the tests talk to over HTTP.
//
// Which emulator runs is decided by the environment, so the same tests run
// against moto here and against emulator images where Docker is available.
// In order of priority:
//   - AWS_ENDPOINT_URL set: use that endpoint, start nothing;
//   - EMULATOR_IMAGE set (motoserver/moto, localstack/localstack, or a
//     locally built image such as reconcile-kumo:local from
//     scripts/emulator-image.sh): run it with testcontainers-go on the host
//     network; EMULATOR_PORT picks the port (default: a free one, passed to
//     the image as MOTO_PORT, KUMO_PORT and GATEWAY_LISTEN);
//   - otherwise: start `moto_server` (pip install 'moto[server]') as a child
//     process on a free loopback port.
package emulator
