#!/usr/bin/env bash
# Builds the agent and api images from static binaries built on the host:
# FROM scratch with the CA bundle, nothing pulled.
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
  CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags "-s -w -X main.version=$tag" -o "$d/bootstrap" "./$c"
  cp "$c/Dockerfile" "$d/"
  cp /etc/ssl/certs/ca-certificates.crt "$d/"
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker build --quiet --platform "linux/$arch" -t "trip-assistant-$c:$tag" "$d"
    echo "built trip-assistant-$c:$tag ($arch)"
  else
    echo "no Docker engine: built $d/bootstrap only (scripts/start-dockerd.sh starts one)" >&2
  fi
done
