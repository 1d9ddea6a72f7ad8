#!/usr/bin/env bash
# Builds the Python 3.11 base images the tests push to their registries, in local buildah storage,
# without Docker Hub and without emulation: Debian bookworm bootstrapped by mmdebstrap from the
# Debian mirror and cached as one tarball per architecture, so only the first run on a machine
# downloads anything. Four images, named after IMAGE:
#   IMAGE                 Debian layout (/usr/bin/python3), linux/amd64: minbase plus python3,
#                         python3-venv, ca-certificates, passwd and libstdc++6 (what the builder's
#                         dependency stages run with on the build host)
#   IMAGE-arm64           Debian layout, linux/arm64: python3, libstdc++6 and ca-certificates, unpacked only
#   IMAGE-usrlocal        the layout of the official python:X.Y-slim images, linux/amd64: the
#                         interpreter in /usr/local/bin, its standard library in /usr/local/lib/python3.11
#   IMAGE-usrlocal-arm64  the same for linux/arm64
#
# Usage: scripts/make-base-image.sh [IMAGE]
#   IMAGE               default localhost/flops-test/python:3.11. Images this recipe already made are
#                       kept (their label flops.test.recipe says which recipe). Prints IMAGE on success.
#   FLOPS_TEST_CACHE    cache folder (default $HOME/.cache/flops-image-builder)
#   FLOPS_DEBIAN_MIRROR Debian mirror (default http://deb.debian.org/debian)
#   FLOPS_BASE_AMD64_ONLY=1  make IMAGE alone (the demo's case: no arm64 bootstrap, about half the first run)
# Needs root, buildah, mmdebstrap and util-linux's flock.
set -euo pipefail

image="${1:-localhost/flops-test/python:3.11}"
cache_dir="${FLOPS_TEST_CACHE:-$HOME/.cache/flops-image-builder}"
mirror="${FLOPS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [[ -z "$image" || "$image" == -* || $# -gt 1 ]]; then
  echo "usage: $0 [IMAGE]  (IMAGE is a local image name such as localhost/flops-test/python:3.11)" >&2
  exit 2
fi

amd64_packages=python3,python3-venv,ca-certificates,passwd,libstdc++6
# dash: the extract variant gets /bin/sh only from a package that ships it.
arm64_packages=python3,libstdc++6,ca-certificates,dash
# Bump when the fix-ups or the layouts below change, so that images made before are made again.
recipe_version=1
digest_of() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }
amd64_key="$(digest_of minbase "$amd64_packages")"
arm64_key="$(digest_of extract "$arm64_packages")"
amd64_tarball="$cache_dir/python-3.11-bookworm-amd64-$amd64_key.tar"
arm64_tarball="$cache_dir/python-3.11-bookworm-arm64-$arm64_key.tar"
recipe="$(digest_of "$recipe_version" "$amd64_key" "$arm64_key")"

mkdir -p "$cache_dir"
# Test files run in parallel; without the lock each would bootstrap and commit its own copy.
exec {lock_fd}>"$cache_dir/.lock"
flock --timeout 900 "$lock_fd"

work_dir="$(mktemp -d)"
containers=()
cleanup() {
  local ctr
  for ctr in "${containers[@]}"; do buildah rm "$ctr" >/dev/null 2>&1 || true; done
  rm -rf "$work_dir"
}
trap cleanup EXIT

is_current() {
  [[ "$(buildah inspect --type image --format '{{index .OCIv1.Config.Labels "flops.test.recipe"}}' "$1" 2>/dev/null)" == "$recipe" ]]
}

# new_container ARCH FROM: a working container (its name in $ctr) whose config says linux/ARCH.
new_container() {
  # Its stderr is shown only on failure: buildah warns that an arm64 image does not match this
  # amd64 machine, which is the point here.
  ctr="$(buildah from --quiet --pull=never --arch "$1" "$2" 2>"$work_dir/from.err")" || {
    cat "$work_dir/from.err" >&2
    return 1
  }
  containers+=("$ctr")
}

# commit ARCH IMAGE: commits $ctr with the settings and label every base has, as IMAGE.
commit() {
  buildah config --os linux --arch "$1" \
    --env LANG=C.UTF-8 \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd python3 \
    --label "flops.test.recipe=$recipe" \
    "$ctr"
  buildah commit --quiet "$ctr" "$2" >/dev/null
}

# bootstrap TARBALL MMDEBSTRAP-ARGS...: makes TARBALL unless the cache has it.
bootstrap() {
  local tarball="$1"
  shift
  [[ -s "$tarball" ]] && return 0
  # Written beside the cache and renamed, so an interrupted run never leaves a half tarball.
  mmdebstrap --quiet "$@" bookworm "$work_dir/rootfs.tar" "$mirror"
  mv "$work_dir/rootfs.tar" "$tarball.partial"
  mv "$tarball.partial" "$tarball"
}

# The extract variant unpacks packages without running their maintainer scripts, so nothing arm64
# runs here; it lacks what those scripts make. The amd64 bootstrap ran them, and what they made
# there is the same on every architecture: the accounts of base-passwd and the CA bundle of
# ca-certificates (taken from there rather than from this machine, whose bundle tests may extend).
arm64_fixups() {
  local fixups="$work_dir/fixups"
  mkdir -p "$fixups"
  tar -xf "$amd64_tarball" -C "$fixups" ./etc/passwd ./etc/group ./etc/ssl/certs/ca-certificates.crt
  install -d -m 0700 "$fixups/root"
  tar -C "$fixups" --numeric-owner --owner=0 --group=0 -cf "$work_dir/fixups.tar" .
}

# debian_image ARCH TARBALL IMAGE: the rootfs as one layer (plus the fix-ups on arm64).
debian_image() {
  new_container "$1" scratch
  buildah add --quiet "$ctr" "$2" / >/dev/null
  if [[ "$1" == arm64 ]]; then
    arm64_fixups
    buildah add --quiet "$ctr" "$work_dir/fixups.tar" / >/dev/null
  fi
  commit "$1" "$3"
}

# usrlocal_image ARCH FROM IMAGE: FROM rearranged on the host through a mount, nothing run in it.
usrlocal_image() {
  new_container "$1" "$2"
  local root
  root="$(buildah mount "$ctr")"
  mkdir -p "$root/usr/local/bin" "$root/usr/local/lib/python3.11"
  mv "$root/usr/bin/python3.11" "$root/usr/local/bin/python3.11"
  # Debian's postinst already made /usr/local/lib/python3.11/dist-packages on amd64, so the
  # standard library is merged into that folder rather than renamed onto it.
  cp -a "$root/usr/lib/python3.11/." "$root/usr/local/lib/python3.11/"
  rm -rf "$root/usr/lib/python3.11" "$root/usr/bin/python3"
  # Debian's PEP 668 marker would travel with the standard library; the official images have none.
  rm -f "$root/usr/local/lib/python3.11/EXTERNALLY-MANAGED"
  ln -s python3.11 "$root/usr/local/bin/python3"
  ln -s python3 "$root/usr/local/bin/python"
  buildah umount "$ctr" >/dev/null
  commit "$1" "$3"
}

# check_usrlocal IMAGE: on amd64, where it runs natively, the interpreter finds its prefix and makes
# a venv; a failed check removes IMAGE, so no later run takes it for made.
check_usrlocal() {
  new_container amd64 "$1"
  local prefix=""
  prefix="$(buildah run --isolation chroot "$ctr" -- /usr/local/bin/python3 -c 'import sys, ssl, venv; print(sys.prefix)')" &&
    [[ "$prefix" == /usr/local ]] &&
    buildah run --isolation chroot "$ctr" -- python3 -m venv --without-pip /tmp/v && return 0
  echo "$1: /usr/local/bin/python3 failed its check (sys.prefix '$prefix', expected /usr/local)" >&2
  buildah rmi "$1" >/dev/null 2>&1 || true
  return 1
}

# if-statements rather than `a || b`: bash ignores set -e inside a function called from an || list.
# The /usr/local images are made from the Debian ones, so only these need the tarballs.
if ! is_current "$image"; then
  bootstrap "$amd64_tarball" --variant=minbase --include="$amd64_packages"
  debian_image amd64 "$amd64_tarball" "$image"
fi
if [[ "${FLOPS_BASE_AMD64_ONLY:-}" == 1 ]]; then
  echo "$image"
  exit 0
fi
if ! is_current "$image-arm64"; then
  # The amd64 tarball too, for the fix-ups.
  bootstrap "$amd64_tarball" --variant=minbase --include="$amd64_packages"
  bootstrap "$arm64_tarball" --variant=extract --arch=arm64 --include="$arm64_packages"
  debian_image arm64 "$arm64_tarball" "$image-arm64"
fi
if ! is_current "$image-usrlocal"; then
  usrlocal_image amd64 "$image" "$image-usrlocal"
  check_usrlocal "$image-usrlocal"
fi
if ! is_current "$image-usrlocal-arm64"; then usrlocal_image arm64 "$image-arm64" "$image-usrlocal-arm64"; fi
# One tarball per architecture: those of earlier recipes would only take space.
for old in "$cache_dir"/python-3.11-bookworm*.tar; do
  if [[ -e "$old" && "$old" != "$amd64_tarball" && "$old" != "$arm64_tarball" ]]; then rm -f "$old"; fi
done
echo "$image"
