# Sourced by scripts/demo.sh and scripts/bench.sh: a local broker, registry and git server on loopback,
# and the python base image in that registry. Callers set broker_port, registry_port, git_port, work.
# shellcheck shell=bash

stack_pids=()

# Stops every process the stack started and removes its folder.
stop_stack() {
  for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stack_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

# Fails when one of the given loopback ports is taken.
require_free_ports() {
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "Port $port on 127.0.0.1 is in use; stop what uses it and try again." >&2
      return 1
    fi
  done
}

# Waits until something listens on a loopback port (at most 10 s).
wait_for_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "Nothing answers on 127.0.0.1:$1" >&2
  return 1
}

# mosquitto on $broker_port and a distribution registry on $registry_port.
start_broker_and_registry() {
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n' "$broker_port" > "$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & stack_pids+=($!)
  cat > "$work/registry.yml" <<YAML
version: 0.1
storage: { filesystem: { rootdirectory: $work/registry }, delete: { enabled: true } }
http: { addr: "127.0.0.1:$registry_port", secret: flops-local-stack }
YAML
  docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 & stack_pids+=($!)
  wait_for_port "$broker_port"
  wait_for_port "$registry_port"
}

# Makes the python base image (cached) and pushes it; prints its reference in the registry.
push_base_image() {
  bash scripts/make-base-image.sh localhost/flops-demo/python:3.11 > /dev/null
  buildah push --quiet --tls-verify=false localhost/flops-demo/python:3.11 "docker://127.0.0.1:$registry_port/library/python:3.11-slim"
  echo "127.0.0.1:$registry_port/library/python:3.11-slim"
}

# git daemon on $git_port serving the repos serve_repo makes (call it directly, not inside $(…)).
start_git_daemon() {
  mkdir -p "$work/git"
  git daemon --reuseaddr --export-all --base-path="$work/git" --listen=127.0.0.1 --port="$git_port" > "$work/git-daemon.log" 2>&1 &
  stack_pids+=($!)
  wait_for_port "$git_port"
}

# Commits a folder as the bare repo <owner>/<name>.git that the git daemon serves; prints its URL.
serve_repo() {
  local source=$1 owner=$2 name=$3
  mkdir -p "$work/git/$owner" "$work/src-$name"
  cp -r "$source/." "$work/src-$name/"
  git -C "$work/src-$name" init -q -b main
  git -C "$work/src-$name" add -A
  git -C "$work/src-$name" -c user.name=flops -c user.email=flops@localhost commit -qm "example ML repo"
  git clone -q --bare "$work/src-$name" "$work/git/$owner/$name.git"
  echo "git://127.0.0.1:$git_port/$owner/$name.git"
}
