#!/usr/bin/env bash
# Installs what the tests need that Go modules do not bring: moto (the
# emulator the integration tests run against), shellcheck (internal/devtools/workflows
# checks workflow and CI scripts with it) and a Docker engine (for the
# container-mode emulator test). Idempotent: a second run only checks.
#
#   scripts/install-deps.sh              # all three
#   scripts/install-deps.sh moto         # only moto
#   scripts/install-deps.sh shellcheck   # only shellcheck (apt)
#   scripts/install-deps.sh docker       # only the Docker engine (apt)
set -euo pipefail

MOTO_VERSION=5.2.5

log() { printf '[install-deps] %s\n' "$*" >&2; }

# timed NAME CMD...: runs CMD and prints how long it took.
timed() {
  local name=$1 start=$EPOCHREALTIME
  shift
  "$@"
  awk -v n="$name" -v a="$start" -v b="$EPOCHREALTIME" \
    'BEGIN { printf "[install-deps] %s took %.1fs\n", n, b - a }' >&2
}

install_moto() {
  if command -v moto_server >/dev/null 2>&1 &&
    [ "$(python3 -m pip show moto 2>/dev/null | sed -n 's/^Version: //p')" = "$MOTO_VERSION" ]; then
    log "moto $MOTO_VERSION already installed"
    return
  fi
  timed "pip install moto[server]==$MOTO_VERSION" \
    python3 -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  # pyenv installs console scripts behind shims that appear only after a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
  command -v moto_server >/dev/null 2>&1 || { log "moto_server is not on PATH after pip install"; return 1; }
}

# apt_install PACKAGE...: installs Debian packages (needs root).
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "not root: cannot apt-get install $*"
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${APT_UPDATED:-}" ]; then
    timed "apt-get update" apt-get update -qq
    APT_UPDATED=1
  fi
  timed "apt-get install $*" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_shellcheck() {
  if command -v shellcheck >/dev/null 2>&1; then
    log "shellcheck already installed"
    return
  fi
  apt_install shellcheck
}

install_docker() {
  if command -v dockerd >/dev/null 2>&1; then
    log "docker engine already installed ($(command -v dockerd))"
    return
  fi
  apt_install docker.io iptables
}

what=${1:-all}
case $what in
  moto) install_moto ;;
  shellcheck) install_shellcheck ;;
  docker) install_docker ;;
  all) install_moto; install_shellcheck; install_docker ;;
  *) log "usage: $0 [all|moto|shellcheck|docker]"; exit 2 ;;
esac
