#!/usr/bin/env bash
# Builds the project's Dockerfile with podman (no Docker engine, nothing pulled): base images come
# from base-images.sh. Usage: build-app-image.sh <tag>
set -euo pipefail
source "$(dirname "$0")/podman-env.sh"
tag="$1"
repo="$(cd "$image_scripts/../.." && pwd)"

# npm inside the build trusts what the host trusts (a machine may reach the registry through a
# TLS-inspecting proxy): the CA file is mounted for the build only and never lands in a layer.
# The host's trust can come from npm's cafile or from the environment: CI runs the project's own
# Node release, whose npm does not read the system npmrc that sets cafile on this machine.
host_cafile() {
  local candidate
  for candidate in "$(npm config get cafile 2>/dev/null || true)" "${NODE_EXTRA_CA_CERTS:-}" \
    "${SSL_CERT_FILE:-}"; do
    if [ -n "$candidate" ] && [ "$candidate" != "null" ] && [ -f "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
}
volumes=()
cafile="$(host_cafile)"
if [ -n "$cafile" ]; then
  npm_etc="$(mktemp -d)"
  trap 'rm -rf "$npm_etc"' EXIT
  cp "$cafile" "$npm_etc/ca.crt"
  printf 'cafile=/usr/local/etc/ca.crt\n' >"$npm_etc/npmrc"
  volumes=(-v "$npm_etc:/usr/local/etc:ro")
fi

# --jobs 1: with stages built in parallel, `npm ci` stalled for minutes in some cold builds here.
podman build --pull=never --format docker --jobs 1 "${volumes[@]}" -t "$tag" "$repo"
