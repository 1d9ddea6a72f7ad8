#!/bin/sh
# The aggregator's own layer: its packages installed into /opt/venv of a working container, then listed. The builder
# runs this with `buildah run` and commits the container straight to the registry (src/images/container-install.ts):
# the layer is compressed and uploaded once and never stored locally, where a `buildah bud` stage would write it
# to local storage only for it to be read back and pushed.
#
# Usage: sh aggregator-install.sh UV_PLATFORM LOCK_FLAG...
# Mounted by the builder: /opt/flops/tools (uv, this script, with-build-secrets.sh, installed_modules.py),
# /opt/flops/locks (the platform's locks), /run/secrets (the proxy CA and index settings), /tmp/uv-cache (uv's
# cache, beside the learner's install), /opt/flops/out (where the module list goes; never in the layer).
#
# Locked, the container starts from an empty venv of the image's python and the packages install --no-deps. Without
# a lock it starts from the learner's environment, and uv resolves the packages against it. Either way they are staged
# under --prefix and hard-linked into /opt/venv in this step (a link, not a copy): from the learner's environment,
# uv's --compile-bytecode would otherwise compile every package of the environment again, and each rewritten .pyc
# would be in this layer too. SOURCE_DATE_EPOCH=0 makes the .pyc files hash-checked: the same bytes in every build.
set -eu

tools=/opt/flops/tools
platform=$1
shift

UV_CACHE_DIR=/tmp/uv-cache SOURCE_DATE_EPOCH=0 sh "$tools/with-build-secrets.sh" "$tools/uv" pip install --quiet \
    --no-config --python /opt/venv/bin/python --python-platform "$platform" --only-binary :all: \
    --compile-bytecode "$@" --prefix /opt/flops/aggregator-layer -r /opt/flops/locks/extras.txt
if [ -d /opt/flops/aggregator-layer ]; then cp -a --link -f -T /opt/flops/aggregator-layer /opt/venv; fi
rm -rf /opt/flops/aggregator-layer

# What the aggregator's environment lets code import, read with its own python reading files only (-I -S: no .pth
# file runs; -B: no bytecode written).
/opt/venv/bin/python -B -I -S "$tools/installed_modules.py" /opt/venv > /opt/flops/out/modules.json
