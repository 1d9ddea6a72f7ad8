#!/usr/bin/env bash
# The baseline of issue 21: what a performance engineer would write by hand for the locks a job rendered, built and
# pushed with plain buildah. One Containerfile per role for linux/amd64 (the build's own platform): FROM the same
# base, COPY the locks, one RUN that makes /opt/venv and installs the lock with the same uv (bind-mounted, no cache,
# the proxy CA as a secret), the aggregator adding extras.txt in a second RUN, then COPY of the runtime and the repo.
# The learner is built first; the aggregator reuses its install layer (`--layers`). Both are pushed with
# `buildah push`. The caller gives it empty storage (CONTAINERS_STORAGE_CONF) and times it.
#
# Usage: scripts/hand-written-build.sh CONTEXT REGISTRY
#   CONTEXT   a build context a job rendered (its --workdir's context/): locks/amd64/, tools/uv, flops/, repo/ and
#             deps-amd64.Containerfile, whose install stage names the pinned base (amd64 is the build's platform)
#   REGISTRY  host:port (plain HTTP) holding the base under the same path; the images go to hand/<role>:bench
# SSL_CERT_FILE, when set, is passed to the install steps as the secret flops-ca.
set -euo pipefail

if [[ $# -ne 2 || ! -f "$1/deps-amd64.Containerfile" || "$2" == -* ]]; then
  echo "usage: $0 CONTEXT REGISTRY  (CONTEXT holds a rendered deps-amd64.Containerfile; REGISTRY is host:port)" >&2
  exit 2
fi
ctx=$1 registry=$2

# The pinned base of the amd64 install stage, moved to REGISTRY (the job's may be another registry on this machine).
base=$(sed -n 's#^FROM --platform=linux/amd64 \([^ ]*\) AS install$#\1#p' "$ctx/deps-amd64.Containerfile")
[[ -n "$base" ]] || { echo "$ctx/deps-amd64.Containerfile names no linux/amd64 base" >&2; exit 1; }
base="$registry/${base#*/}"

# One RUN that installs LOCK with the same flags as the builder's, without a cache, after SETUP's commands; uv reads
# the CA from SSL_CERT_FILE.
install() {
  local lock=$1 setup=$2
  cat <<STEP
RUN --mount=type=bind,source=tools/uv,target=/usr/local/bin/uv \\
    --mount=type=secret,id=flops-ca,target=/run/secrets/flops-ca \\
    ${setup}if [ -s /run/secrets/flops-ca ]; then export SSL_CERT_FILE=/run/secrets/flops-ca; fi \\
 && UV_NO_CACHE=1 SOURCE_DATE_EPOCH=0 uv pip install --quiet --no-config --python /opt/venv/bin/python \\
        --only-binary :all: --no-deps --require-hashes --compile-bytecode -r /opt/flops/locks/$lock
STEP
}

# The learner's install: the environment and the image's user, then the lock.
setup='UV_NO_CACHE=1 uv venv --quiet --no-config --python-preference only-system --python python3 /opt/venv \
 && groupadd --gid 10001 flops \
 && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin flops \
 && '

# Writes ROLE's Containerfile: the shared install, EXTRA (the aggregator's second RUN), the runtime's folders, the
# repo and the config the builder's image has.
containerfile() {
  local role=$1 extra=$2 module=$3 pythonpath=$4
  shift 4
  {
    echo "FROM $base"
    echo "COPY locks/amd64/ /opt/flops/locks/"
    install base.txt "$setup"
    [[ -z "$extra" ]] || install "$extra" ''
    for folder in "$@"; do echo "COPY flops/$folder"; done
    echo "COPY --chown=10001:10001 repo /app"
    echo "ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\"
    echo "    FLWR_TELEMETRY_ENABLED=0 PYTHONUNBUFFERED=1 PYTHONPATH=$pythonpath FLOPS_REPO_DIR=/app"
    echo "WORKDIR /opt/flops/$role"
    echo "USER 10001:10001"
    echo "ENTRYPOINT [\"/opt/venv/bin/python\", \"-m\", \"$module\"]"
  } > "$ctx/hand-$role.Containerfile"
}
lib=/opt/flops/lib
containerfile learner '' flops_learner "$lib:/opt/flops/stand-ins:/app" "flops_common $lib/flops_common" \
  "flops_utils $lib/flops_utils" "flops_learner $lib/flops_learner" "stand-ins /opt/flops/stand-ins" \
  "entry/learner /opt/flops/learner"
containerfile aggregator extras.txt flops_aggregator "$lib:/app" "flops_common $lib/flops_common" \
  "flops_utils $lib/flops_utils" "flops_aggregator $lib/flops_aggregator" "entry/aggregator /opt/flops/aggregator"

for role in learner aggregator; do
  buildah bud --quiet --isolation chroot --layers --tls-verify=false --platform linux/amd64 \
    --secret id=flops-ca,src="${SSL_CERT_FILE:-/dev/null}" --file "$ctx/hand-$role.Containerfile" \
    --tag "$registry/hand/$role:bench" "$ctx" > /dev/null
  buildah push --quiet --tls-verify=false "$registry/hand/$role:bench" > /dev/null
done
