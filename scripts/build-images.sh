#!/usr/bin/env bash
# Builds the agent and api images from static binaries built on the host:
# FROM scratch with the CA bundle, nothing pulled.
#
# -tags lambda.norpc: aws-lambda-go then leaves out its RPC mode (only the
# retired go1.x runtime used it). That mode imports net/rpc, whose debug page
# links html/template; text/template's reflection (Value.Method) makes the
# linker keep every exported method of every type that reaches an interface,
# which is 7 MB of the agent (34.7 -> 27.3 MB) and 4.5 MB of the api
# (14.4 -> 9.9 MB) on linux/arm64. cmd/bench builds with the same flags.
#
#   scripts/build-images.sh [ARCH] [TAG]     ARCH: arm64 (Lambda) or amd64 (local)
set -euo pipefail
arch=${1:-amd64}
tag=${2:-local}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for c in agent api; do
  d=build/img-$c-$arch
  rm -rf "$d" && mkdir -p "$d"
  CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -tags lambda.norpc -trimpath -ldflags "-s -w -X main.version=$tag" -o "$d/bootstrap" "./$c"
  cp "$c/Dockerfile" "$d/"
  cp /etc/ssl/certs/ca-certificates.crt "$d/"
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build --quiet --platform "linux/$arch" -t "trip-assistant-$c:$tag" "$d"
    echo "built trip-assistant-$c:$tag ($arch)"
  else
    echo "no Docker engine: built $d/bootstrap only (scripts/start-dockerd.sh starts one)" >&2
  fi
done
