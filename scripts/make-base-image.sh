#!/usr/bin/env bash
# Builds a Python 3.11 base image in local buildah storage without Docker Hub: Debian
# bookworm minbase plus python3, bootstrapped by mmdebstrap from the Debian mirror and
# cached as a tarball, so only the first run on a machine downloads anything.
#
# Usage: scripts/make-base-image.sh [IMAGE]
#   IMAGE               local image to create (default localhost/flops-test/python:3.11);
#                       nothing is done when it already exists. Prints IMAGE on success.
#   FLOPS_TEST_CACHE    cache folder (default $HOME/.cache/flops-image-builder)
#   FLOPS_DEBIAN_MIRROR Debian mirror (default http://deb.debian.org/debian)
# Needs root, buildah, mmdebstrap and util-linux's flock.
set -euo pipefail

image="${1:-localhost/flops-test/python:3.11}"
cache_dir="${FLOPS_TEST_CACHE:-$HOME/.cache/flops-image-builder}"
mirror="${FLOPS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tarball="$cache_dir/python-3.11-bookworm.tar"

if [[ -z "$image" || "$image" == -* || $# -gt 1 ]]; then
  echo "usage: $0 [IMAGE]  (IMAGE is a local image name such as localhost/flops-test/python:3.11)" >&2
  exit 2
fi

mkdir -p "$cache_dir"
# Test files run in parallel; without the lock each would bootstrap and commit its own copy.
exec {lock_fd}>"$cache_dir/.lock"
flock --timeout 900 "$lock_fd"

if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

work_dir="$(mktemp -d)"
ctr=""
cleanup() {
  if [[ -n "$ctr" ]]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

if [[ ! -s "$tarball" ]]; then
  # Written beside the cache and renamed, so an interrupted run never leaves a half tarball.
  mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates,passwd \
    bookworm "$work_dir/rootfs.tar" "$mirror"
  mv "$work_dir/rootfs.tar" "$tarball.partial"
  mv "$tarball.partial" "$tarball"
fi

ctr="$(buildah from scratch)"
buildah add --quiet "$ctr" "$tarball" / >/dev/null
buildah config \
  --env LANG=C.UTF-8 \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --cmd python3 \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=""
echo "$image"
