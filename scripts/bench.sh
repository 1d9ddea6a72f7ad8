#!/usr/bin/env bash
# Measures the builder's speed and memory goals on this machine and prints one JSON object:
# - build: a full build and push of the example repo (wall time, peak RSS of the builder process);
# - skip: the run that finds both images already in the registry (the goal: well under 5 s end to end),
#   as the median and maximum of several runs, with peak RSS.
# Usage (Debian 12, root): bash scripts/bench.sh [runs]   (default 5 skip runs)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
broker_port=19027 registry_port=15073 git_port=19418
source scripts/lib/local-stack.sh

bash scripts/install-deps.sh > /dev/null
require_free_ports $broker_port $registry_port $git_port
work="$(mktemp -d /tmp/flops-bench.XXXXXX)"
trap stop_stack EXIT INT TERM
start_broker_and_registry
base_image=$(push_base_image)
start_git_daemon
repo_url=$(serve_repo examples/numpy-regression bench "regression-$(date +%s)")

ca_args=()
if [[ -n "${SSL_CERT_FILE:-}" ]]; then ca_args=(--ca-cert "$SSL_CERT_FILE"); fi
# Prints "<seconds> <max RSS in KiB>" of one builder run; the builder's exit code must be 0.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" bin/flops-image-builder "$repo_url" "http://127.0.0.1:$registry_port" bench 127.0.0.1 \
    "$broker_port" 127.0.0.1:1 --base-image "$base_image" "${ca_args[@]}" > "$work/run.log" 2>&1 \
    || { echo "the builder failed; see its log:" >&2; tail -5 "$work/run.log" >&2; exit 1; }
  cat "$work/time"
}

read -r build_s build_kib < <(measure)
skip_s=() skip_kib=()
for _ in $(seq "$runs"); do
  read -r s kib < <(measure)
  skip_s+=("$s") skip_kib+=("$kib")
done
node -e '
  const [build_s, build_kib, runs, ...rest] = process.argv.slice(1);
  const n = Number(runs), s = rest.slice(0, n).map(Number).sort((a, b) => a - b), kib = rest.slice(n).map(Number);
  console.log(JSON.stringify({
    build: { seconds: Number(build_s), peak_rss_mib: +(build_kib / 1024).toFixed(1) },
    skip: { runs: n, median_seconds: s[Math.floor(n / 2)], max_seconds: s[n - 1], peak_rss_mib: +(Math.max(...kib) / 1024).toFixed(1), goal_seconds: 5 },
  }, null, 2));' "$build_s" "$build_kib" "$runs" "${skip_s[@]}" "${skip_kib[@]}"
