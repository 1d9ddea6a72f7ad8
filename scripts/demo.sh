#!/usr/bin/env bash
# The builder's main job, the whole FLOps loop on this machine: installs what is missing, then runs
# scripts/demo/main.mjs, which starts mosquitto, a registry, an observer, an MLflow tracking server and the
# ML data server on 127.0.0.1, builds examples/digits-sklearn's learner and aggregator, trains them, builds and
# serves the trained model, and ends with a summary and a plot. `bash scripts/demo.sh --help` lists the options.
# Usage (Debian 12, root): bash scripts/demo.sh [--fresh] [--keep] [--cache DIR] [--<service>-port N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  if [[ "$arg" == --help || "$arg" == -h ]]; then exec node scripts/demo/main.mjs --help; fi
done
echo "== Installing what is missing (scripts/install-deps.sh; its output: /tmp/flops-demo-install.log)"
if ! bash scripts/install-deps.sh > /tmp/flops-demo-install.log 2>&1; then
  tail -n 30 /tmp/flops-demo-install.log >&2
  exit 1
fi
exec node scripts/demo/main.mjs "$@"
