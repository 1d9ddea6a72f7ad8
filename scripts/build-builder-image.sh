#!/usr/bin/env bash
# Builds the builder image from the project's Dockerfile with buildah, for machines without a
# Docker engine (`docker build -t flops-image-builder .` does the same where there is one).
#
# Usage: scripts/build-builder-image.sh [IMAGE]
#   IMAGE                 the image to tag (default localhost/flops-image-builder:<package version>)
#   NODE_IMAGE            another Node 20 base image on Debian 12 (default: the Dockerfile's
#                         docker.io/library/node:20-bookworm-slim); see scripts/make-node-image.sh
#   FLOPS_EXTRA_CA_CERTS  CA certificates of a TLS-intercepting proxy, given to npm, apt and pip
#                         as a build secret, never stored in the image
# Prints IMAGE on success. Layers are cached, so a second run with no change takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(node -p 'require("./package.json").version')"
image="${1:-localhost/flops-image-builder:$version}"
if [[ -z "$image" || "$image" == -* || $# -gt 1 ]]; then
  echo "usage: $0 [IMAGE]" >&2
  exit 2
fi

args=(build --isolation chroot --layers --tag "$image" --file Dockerfile)
if [[ -n "${NODE_IMAGE:-}" ]]; then args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE"); fi
if [[ -n "${FLOPS_EXTRA_CA_CERTS:-}" ]]; then args+=(--secret "id=flops-ca,src=$FLOPS_EXTRA_CA_CERTS"); fi
# buildah's progress goes to stderr, so stdout carries only the image name.
buildah "${args[@]}" . >&2
echo "$image"
