#!/usr/bin/env bash
# Starts a Docker engine in the background unless one already answers on
# /var/run/docker.sock, then waits (bounded) until `docker info` works.
# Needs root and dockerd on PATH (scripts/install-deps.sh docker).
#
# Exits non-zero if the engine does not come up; callers that can run without
# Docker (.ci/run) treat that as "skip the container tests", not as a failure.
set -euo pipefail

SOCK=/var/run/docker.sock
LOG=${DOCKERD_LOG:-/var/log/reconcile-dockerd.log}
TIMEOUT=${DOCKERD_TIMEOUT:-60}

log() { printf '[start-dockerd] %s\n' "$*" >&2; }

answering() { timeout 10 docker -H "unix://$SOCK" info >/dev/null 2>&1; }

if answering; then
  log "docker engine already answering on $SOCK"
  exit 0
fi
command -v dockerd >/dev/null 2>&1 || { log "dockerd not installed (run scripts/install-deps.sh docker)"; exit 1; }
[ "$(id -u)" = 0 ] || { log "not root: cannot start dockerd"; exit 1; }

# live_process PIDFILE NAME: whether PIDFILE names a running (not zombie)
# process called NAME.
live_process() {
  local pid state
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$pid/stat")
  [ "$state" != Z ]
}

# A killed engine leaves pid files behind. dockerd trusts the one of its
# containerd and then waits 15s for a socket nobody serves (the pid can still
# exist as a zombie, or belong to another process by now).
for f in /var/run/docker/containerd/containerd.pid:containerd /var/run/docker.pid:dockerd; do
  if [ -e "${f%%:*}" ] && ! live_process "${f%%:*}" "${f##*:}"; then
    log "removing stale ${f%%:*}"
    rm -f "${f%%:*}"
  fi
done

# start_engine ARGS...: starts dockerd detached from this shell and waits.
start_engine() {
  log "starting dockerd${*:+ $*} (log: $LOG)"
  # setsid: the engine must outlive this script and not share its process group.
  setsid dockerd --host "unix://$SOCK" "$@" >>"$LOG" 2>&1 </dev/null &
  local pid=$! started=$EPOCHREALTIME deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if answering; then
      awk -v a="$started" -v b="$EPOCHREALTIME" -v p="$pid" \
        'BEGIN { printf "[start-dockerd] docker engine up after %.1fs (pid %s)\n", b - a, p }' >&2
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd exited; last log lines:"
      tail -n 15 "$LOG" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  log "docker engine did not answer within ${TIMEOUT}s; last log lines:"
  tail -n 15 "$LOG" >&2 || true
  kill "$pid" 2>/dev/null || true
  return 1
}

# The tests use the host network only and build images with no RUN steps, so
# when the machine refuses bridge/iptables setup (nested containers, no
# netfilter) the engine is still useful without them.
start_engine && exit 0
log "retrying without bridge networking and iptables"
start_engine --bridge=none --iptables=false --ip6tables=false
