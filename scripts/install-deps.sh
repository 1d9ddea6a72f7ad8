#!/usr/bin/env bash
# Installs what the builder, its tests and the demo need on Debian 12 (as root), then builds the app.
# Idempotent: a second run only checks. Used by scripts/test-all.sh (CI) and scripts/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(buildah uidmap mosquitto mosquitto-clients docker-registry mmdebstrap git python3-venv openssl curl squashfs-tools siftool)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts these as system services on install; the tests and the demo start their own.
for service in mosquitto docker-registry; do
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
done

# qemu-user-static's emulators, for tests that run arm64 programs (FLOPS_QEMU_DIR=<cache>/qemu/usr/bin):
# unpacked, never installed, because installing it may register binfmt handlers with the kernel, which
# the builder must never rely on. test/helpers/qemu.ts unpacks the same when this has not run.
cache_dir="${FLOPS_TEST_CACHE:-$HOME/.cache/flops-image-builder}"
if [[ ! -x "$cache_dir/qemu/usr/bin/qemu-aarch64-static" ]]; then
  echo "Unpacking qemu-user-static into $cache_dir/qemu"
  mkdir -p "$cache_dir"
  download="$(mktemp -d "$cache_dir/qemu-download.XXXXXX")"
  # As root: apt's sandbox user could not write into the private download folder.
  fetch_qemu() { (cd "$download" && apt-get download -qq -o APT::Sandbox::User=root qemu-user-static); }
  if ! fetch_qemu; then
    apt-get update -qq
    fetch_qemu
  fi
  dpkg -x "$download"/qemu-user-static_*.deb "$download/root"
  rm -rf "$cache_dir/qemu"
  mv "$download/root" "$cache_dir/qemu"
  rm -rf "$download"
fi

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund
fi
# Built again only when a source is newer than the build: a second run of the demo starts at once.
if [[ ! -f dist/flops-image-builder.mjs ]] ||
  [[ -n "$(find src scripts/bundle.mjs tsconfig.json package-lock.json -newer dist/flops-image-builder.mjs -print -quit)" ]]; then
  npm run build
fi

# The Python FL components are tested with the real flwr in a virtual environment of their own, which also holds
# their linter and type checker (npm run lint).
if [[ ! -x .venv/bin/python ]] || [[ fl-templates/requirements-test.txt -nt .venv/.installed ]] ||
  [[ fl-templates/requirements-lint.txt -nt .venv/.installed ]]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r fl-templates/requirements-test.txt \
    -r fl-templates/requirements-lint.txt
  touch .venv/.installed
fi
