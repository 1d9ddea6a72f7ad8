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

bash scripts/install-deps.sh
for port in $broker_port $registry_port $observer_port $git_port; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port on 127.0.0.1 is in use; stop what uses it (docker/compose.yaml's stack?) and try again." >&2
    exit 1
  fi
done

work="$(mktemp -d /tmp/flops-demo.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "== Starting mosquitto on 127.0.0.1:$broker_port and a registry on 127.0.0.1:$registry_port"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' "$broker_port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
cat > "$work/registry.yml" <<YAML
version: 0.1
storage: { filesystem: { rootdirectory: $work/registry }, delete: { enabled: true } }
http: { addr: "127.0.0.1:$registry_port", secret: flops-demo }
YAML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & pids+=($!)

echo "== Observer on 127.0.0.1:$observer_port (its lines are prefixed with 'observer |')"
node -e '
  require("node:net").createServer((s) => { let t = ""; s.on("data", (d) => (t += d)); s.on("end", () => process.stdout.write("observer | " + t)); })
    .listen(Number(process.argv[1]), "127.0.0.1");' "$observer_port" & pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && break; sleep 0.1; done
mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'flops_manager/#' -v 2>/dev/null | sed -u 's/^/mqtt     | /' & pids+=($!)

echo "== Making the python base image (first time about 30 s; cached afterwards)"
bash scripts/make-base-image.sh localhost/flops-demo/python:3.11 > /dev/null
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$registry_port/v2/" > /dev/null && break; sleep 0.2; done
buildah push --quiet --tls-verify=false localhost/flops-demo/python:3.11 "docker://127.0.0.1:$registry_port/library/python:3.11-slim"

echo "== Serving $example as git://127.0.0.1:$git_port/demo/numpy-regression.git"
mkdir -p "$work/git/demo" "$work/src"
cp -r "$example/." "$work/src/"
git -C "$work/src" init -q -b main
git -C "$work/src" add -A
git -C "$work/src" -c user.name=demo -c user.email=demo@localhost commit -qm "example ML repo"
git clone -q --bare "$work/src" "$work/git/demo/numpy-regression.git"
git daemon --reuseaddr --export-all --base-path="$work/git" --listen=127.0.0.1 --port=$git_port & pids+=($!)
sleep 0.5

echo "== Running the builder (JSON logs in $work/builder.log)"
ca_args=()
if [[ -n "${SSL_CERT_FILE:-}" ]]; then ca_args=(--ca-cert "$SSL_CERT_FILE"); fi
status=0
"$root/bin/flops-image-builder" "git://127.0.0.1:$git_port/demo/numpy-regression.git" "http://127.0.0.1:$registry_port" \
  demo-project 127.0.0.1 "$broker_port" "127.0.0.1:$observer_port" \
  --base-image "127.0.0.1:$registry_port/library/python:3.11-slim" --result-file "$work/result.json" "${ca_args[@]}" \
  > "$work/builder.log" || status=$?
sleep 0.5
echo "== Outcome (exit code $status):"
cat "$work/result.json"
echo "== Tags in the registry:"
for role in learner aggregator; do curl -s "http://127.0.0.1:$registry_port/v2/demo/numpy-regression/$role/tags/list"; echo; done
exit "$status"
