#!/usr/bin/env bash
# Builds the local emulator image used by internal/testinfra/emulator's container mode:
# a FROM scratch image holding a static kumo binary, so nothing is pulled from
# a registry. The kumo version is the one go.mod pins.
#
#   scripts/emulator-image.sh              # builds reconcile-kumo:local
#   IMAGE=name:tag scripts/emulator-image.sh
#   FORCE=1 scripts/emulator-image.sh      # rebuild even if the image is current
#
# Then: EMULATOR_IMAGE=reconcile-kumo:local go test -tags integration ./internal/testinfra/emulator/
set -euo pipefail

IMAGE=${IMAGE:-reconcile-kumo:local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

log() { printf '[emulator-image] %s\n' "$*" >&2; }

command -v docker >/dev/null 2>&1 || { log "docker client not installed"; exit 1; }
timeout 10 docker info >/dev/null 2>&1 || { log "docker engine not answering (scripts/start-dockerd.sh)"; exit 1; }

version=$(cd "$ROOT" && go list -m -f '{{.Version}}' github.com/sivchari/kumo)
# Compiling kumo takes minutes on two cores: skip when the image is current.
have=$(docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}' "$IMAGE" 2>/dev/null || true)
if [ "$have" = "$version" ] && [ -z "${FORCE:-}" ]; then
  log "$IMAGE already holds kumo $version (FORCE=1 rebuilds)"
  exit 0
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

# `go install pkg@version` builds kumo as its own main module, with kumo's own
# go.sum. Building it from this module instead would need go.sum entries for
# every AWS service kumo serves (sns, sqs, sfn, ...), which this repo does not use.
start=$EPOCHREALTIME
GOBIN=$ctx CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
  GONOSUMDB=${GONOSUMDB:-github.com/aws,github.com/sivchari} \
  go install -trimpath -ldflags='-s -w' "github.com/sivchari/kumo/cmd/kumo@$version"
awk -v a="$start" -v b="$EPOCHREALTIME" -v v="$version" \
  'BEGIN { printf "[emulator-image] built kumo %s in %.1fs\n", v, b - a }' >&2

cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
LABEL org.opencontainers.image.title="kumo AWS emulator for reconcile tests" \\
      org.opencontainers.image.version="$version"
COPY kumo /kumo
# KUMO_PORT (default 4566) is set by internal/testinfra/emulator to a free port.
ENV KUMO_HOST=0.0.0.0
ENTRYPOINT ["/kumo"]
DOCKERFILE

start=$EPOCHREALTIME
DOCKER_BUILDKIT=0 docker build --quiet --tag "$IMAGE" "$ctx" >/dev/null
awk -v a="$start" -v b="$EPOCHREALTIME" -v i="$IMAGE" \
  'BEGIN { printf "[emulator-image] docker build %s in %.1fs\n", i, b - a }' >&2
docker image inspect --format '{{.Id}} {{.Size}} bytes' "$IMAGE" >&2
