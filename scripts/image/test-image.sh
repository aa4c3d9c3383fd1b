#!/usr/bin/env bash
# `npm run test:image`: builds the project's Dockerfile with podman (no Docker engine, no registry)
# and smoke-tests the image the way a cluster runs it (test/image/). Each step's output goes to a
# log; a failing step is named, with its last lines, and fails the script.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/image/podman-env.sh

IMAGE="${MARKET_REPORTS_IMAGE:-localhost/market-reports:test}"
# Uncompressed, as `podman images` shows it. It was 1.04 GB before the image was slimmed.
SIZE_LIMIT_MB="${IMAGE_SIZE_LIMIT_MB:-600}"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

step() { # name command...: runs the command with its output in a log, timed
  local name="$1"; shift
  local log="$logs/step.log" started=$SECONDS
  printf '\n== test:image: %s\n' "$name"
  if "$@" >"$log" 2>&1; then
    printf '   ok (%ss): %s\n' "$((SECONDS - started))" "$(tail -n 1 "$log")"
  else
    local code=$?
    printf '\n== test:image: step "%s" FAILED (exit %s after %ss); its last lines:\n' "$name" "$code" "$((SECONDS - started))"
    tail -n 80 "$log"
    exit "$code"
  fi
}

image_size_within_limit() {
  local bytes mb
  bytes="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
  mb=$((bytes / 1000000))
  echo "$IMAGE: $mb MB uncompressed (limit $SIZE_LIMIT_MB MB)"
  [ "$mb" -le "$SIZE_LIMIT_MB" ]
}

step "container tools (apt: podman, buildah, debootstrap)" ensure_container_tools
step "base images (debian:trixie-slim, node:26-trixie-slim)" scripts/image/base-images.sh
step "app image build ($IMAGE)" nice -n 10 scripts/image/build-app-image.sh "$IMAGE"
step "image size" image_size_within_limit

printf '\n== test:image: smoke test (test/image/)\n'
started=$SECONDS
if ! MARKET_REPORTS_IMAGE="$IMAGE" npx vitest run --config vitest.image.config.ts; then
  printf '\n== test:image: step "smoke test" FAILED after %ss (the failing assertion and the container logs are above)\n' "$((SECONDS - started))"
  exit 1
fi
