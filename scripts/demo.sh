#!/usr/bin/env bash
# The builder's main job, end to end on this machine: starts a local MQTT broker (9027), registry
# (5073) and observer (2727) on loopback, makes a python base image, serves the example ML repo
# from git, and builds and pushes its learner and aggregator images, showing progress as it goes.
# Usage (Debian 12, root): bash scripts/demo.sh [path/to/ml-repo]   (default examples/numpy-regression)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
example="${1:-examples/numpy-regression}"
broker_port=9027 registry_port=5073 observer_port=2727 git_port=9418
source scripts/lib/local-stack.sh

bash scripts/install-deps.sh
require_free_ports $broker_port $registry_port $observer_port $git_port
work="$(mktemp -d /tmp/flops-demo.XXXXXX)"
trap stop_stack EXIT INT TERM

echo "== Starting mosquitto on 127.0.0.1:$broker_port and a registry on 127.0.0.1:$registry_port"
start_broker_and_registry
echo "== Observer on 127.0.0.1:$observer_port (its lines are prefixed with 'observer |'), MQTT with 'mqtt |'"
node -e '
  require("node:net").createServer((s) => { let t = ""; s.on("data", (d) => (t += d)); s.on("end", () => process.stdout.write("observer | " + t)); })
    .listen(Number(process.argv[1]), "127.0.0.1");' "$observer_port" & stack_pids+=($!)
mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'flops_manager/#' -F 'mqtt     | %t %p' 2>/dev/null & stack_pids+=($!)

echo "== Making the python base image (first time about 30 s; cached afterwards)"
base_image=$(push_base_image)
echo "== Serving $example over git"
start_git_daemon
repo_url=$(serve_repo "$example" demo numpy-regression)

echo "== Running the builder on $repo_url (JSON logs in $work/builder.log)"
ca_args=()
if [[ -n "${SSL_CERT_FILE:-}" ]]; then ca_args=(--ca-cert "$SSL_CERT_FILE"); fi
status=0
"$root/bin/flops-image-builder" "$repo_url" "http://127.0.0.1:$registry_port" demo-project 127.0.0.1 "$broker_port" "127.0.0.1:$observer_port" \
  --base-image "$base_image" --result-file "$work/result.json" "${ca_args[@]}" > "$work/builder.log" || status=$?
sleep 0.5
echo "== Outcome (exit code $status):"
cat "$work/result.json"
echo "== Tags in the registry:"
for role in learner aggregator; do curl -s "http://127.0.0.1:$registry_port/v2/demo/numpy-regression/$role/tags/list"; echo; done
exit "$status"
