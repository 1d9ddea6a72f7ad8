#!/usr/bin/env bash
# Makes a local stand-in for docker.io/library/node:20-bookworm-slim where Docker Hub is out of
# reach: the Debian bookworm base of make-base-image.sh plus this machine's own Node 20 and npm,
# in /usr/local as in the official image. Used to build the builder image's Dockerfile here
# (NODE_IMAGE build argument); on a machine with Docker Hub the official image is used instead.
#
# Usage: scripts/make-node-image.sh [IMAGE]
#   IMAGE  local image to create (default localhost/flops-test/node:20-bookworm-slim);
#          nothing is done when it already exists. Prints IMAGE on success.
# Needs root, buildah, Node.js 20 with npm on PATH, and what make-base-image.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-localhost/flops-test/node:20-bookworm-slim}"
if [[ -z "$image" || "$image" == -* || $# -gt 1 ]]; then
  echo "usage: $0 [IMAGE]  (IMAGE is a local image name such as localhost/flops-test/node:20-bookworm-slim)" >&2
  exit 2
fi
if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(npm root -g)/npm"
if [[ "$("$node_bin" --version)" != v20.* || ! -f "$npm_dir/bin/npm-cli.js" ]]; then
  echo "$0: needs Node.js 20 with npm on PATH (found $("$node_bin" --version) at $node_bin)" >&2
  exit 1
fi

debian_base="$(bash scripts/make-base-image.sh)"
ctr=""
trap '[[ -z "$ctr" ]] || buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
ctr="$(buildah from --quiet "$debian_base")"
buildah copy --quiet "$ctr" "$node_bin" /usr/local/bin/node >/dev/null
buildah copy --quiet "$ctr" "$npm_dir" /usr/local/lib/node_modules/npm >/dev/null
buildah run --isolation chroot "$ctr" -- ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
buildah run --isolation chroot "$ctr" -- node --version >/dev/null
buildah config --cmd node "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=""
echo "$image"
