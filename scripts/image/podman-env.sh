# Sourced by the image scripts: the project's own podman/buildah settings (system files untouched)
# and the engine itself, installed from Debian's packages on first use, like .ci/run installs Chromium.
image_scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="$image_scripts/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$image_scripts/registries.conf"
# Base images' inputs (Debian root file system, Node tarball) are kept here between runs.
export IMAGE_CACHE_DIR="${IMAGE_CACHE_DIR:-/var/cache/market-reports-image}"

ensure_container_tools() {
  local wanted=(podman buildah runc conmon netavark aardvark-dns iptables fuse-overlayfs uidmap catatonit
    golang-github-containers-common debootstrap)
  local missing=()
  for p in "${wanted[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
      return 1
    fi
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
