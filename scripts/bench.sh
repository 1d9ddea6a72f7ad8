#!/usr/bin/env bash
# Measures the builder's speed goals on this machine, as ratios of runs made side by side in this one run, and
# prints one JSON object (scripts/bench-report.mjs explains each field):
#   job_vs_hand_written  the cold linux/amd64 job / an expert's hand-written Containerfiles for the same rendered
#                     lock (scripts/hand-written-build.sh), built with `buildah bud --layers` and pushed; each side 3
#                     times, alternating, each run in empty storage (no uv cache either) to an empty registry;
#                     medians (goal ≤ 1.10)
#   image_sizes       compressed linux/amd64 learner and aggregator images: the job's / the hand-written ones
#   code_only         a commit changing one comment, built by a fresh builder (empty storage, registry as the
#                     previous build left it) / the median cold job (goal ≤ 0.05)
#   ignored_only      a commit changing only a .dockerignore'd file: whether any dependency was installed (goal: no)
#   rebuild           the same commit again: median seconds of 3 runs (goal ≤ 1 s)
#   phases            each phase's share of the cold job
#   arm64_vs_amd64    cold job for linux/arm64 / cold job for linux/amd64 (goal ≤ 1.5)
#   rootless_vs_root  cold job as a non-root user with a subordinate id range / as root (issue 12)
#   installers        `pip install` / `uv pip install` of the cold job's own lock into a new venv, no caches
# A warm-up job runs first (see below). The runs' logs and result files are copied to /tmp/flops-bench-logs.
# Usage (Debian 12, root): bash scripts/bench.sh [--skip-installers] [--skip-rootless]
set -euo pipefail
cd "$(dirname "$0")/.."
skip_installers=false skip_rootless=false
for arg in "$@"; do
  case "$arg" in
    --skip-installers) skip_installers=true ;;
    --skip-rootless) skip_rootless=true ;;
    *) echo "usage: $0 [--skip-installers] [--skip-rootless]" >&2; exit 2 ;;
  esac
done
broker_port=19027 registry_port=15073 git_port=19418
bench_user=flopsbench
source scripts/lib/local-stack.sh

bash scripts/install-deps.sh > /dev/null
# 15075-15079: the warm-up, amd64, arm64, root and rootless jobs; 15080-15084: the 2nd and 3rd cold job and the 3
# hand-written builds.
hand_ports=(15082 15083 15084)
require_free_ports $broker_port $registry_port $git_port 15075 15076 15077 15078 15079 15080 15081 \
  "${hand_ports[@]}"
work="$(mktemp -d /tmp/flops-bench.XXXXXX)"
chmod 755 "$work"
cleanup() {
  userdel --remove "$bench_user" 2>/dev/null || true
  sed -i "/^$bench_user:/d" /etc/subuid /etc/subgid
  stop_stack
}
trap cleanup EXIT INT TERM
start_broker_and_registry
start_git_daemon
# The python base for both platforms, under one tag (an OCI index), as python:3.11-slim is.
bash scripts/make-base-image.sh localhost/flops-bench/python:3.11 > /dev/null
base_path=library/python:3.11-slim

# Pushes the base index to the registry on a port.
push_base() {
  buildah manifest rm localhost/flops-bench/base-list > /dev/null 2>&1 || true
  buildah manifest create localhost/flops-bench/base-list > /dev/null
  for image in localhost/flops-bench/python:3.11 localhost/flops-bench/python:3.11-arm64; do
    buildah manifest add localhost/flops-bench/base-list "containers-storage:$image" > /dev/null
  done
  buildah manifest push --all --quiet --format oci --tls-verify=false localhost/flops-bench/base-list \
    "docker://127.0.0.1:$1/$base_path"
  buildah manifest rm localhost/flops-bench/base-list > /dev/null
}

# Another empty registry on a port, holding only the base: a measured run finds nothing of another's pushes there
# (distribution registries share blobs across repositories, and buildah mounts blobs it saw before).
start_registry_on() {
  sed -e "s/$registry_port/$1/" -e "s#$work/registry#$work/registry-$1#" "$work/registry.yml" > "$work/registry-$1.yml"
  docker-registry serve "$work/registry-$1.yml" > "$work/registry-$1.log" 2>&1 & stack_pids+=($!)
  wait_for_port "$1"
  push_base "$1"
}
push_base $registry_port
for port in 15075 15076 15077 15078 15079 15080 15081 "${hand_ports[@]}"; do start_registry_on $port; done

ca_args=()
if [[ -n "${SSL_CERT_FILE:-}" ]]; then ca_args=(--ca-cert "$SSL_CERT_FILE"); fi
export FLOPS_QEMU_DIR="${FLOPS_TEST_CACHE:-$HOME/.cache/flops-image-builder}/qemu/usr/bin"

# Milliseconds since the epoch, and the seconds since such a start (one decimal).
now_ms() { date +%s%3N; }
seconds_since() { awk -v start="$1" -v end="$(now_ms)" 'BEGIN { printf "%.1f", (end - start) / 1000 }'; }

dir=''
# Points $dir at new, empty buildah storage: a fresh builder container. A new folder each time, even when called in
# the subshell of $(…).
fresh_storage() {
  dir="$(mktemp -d "$work/storage.XXXXXX")"
  mkdir -p "$dir/tmp"
  printf '[storage]\ndriver = "overlay"\nrunroot = "%s/run"\ngraphroot = "%s/graph"\n' "$dir" "$dir" > "$dir.conf"
}

# One builder run in fresh storage, pushing to the registry on PORT: prints "<seconds>"; keeps its log, result file
# and rendered context. Usage: job NAME REPO_URL PROJECT PORT [builder options…]
job() {
  local name=$1 repo=$2 project=$3 port=$4
  shift 4
  fresh_storage
  local started
  started=$(now_ms)
  CONTAINERS_STORAGE_CONF="$dir.conf" TMPDIR="$dir/tmp" bin/flops-image-builder "$repo" \
    "http://127.0.0.1:$port" "$project" 127.0.0.1 "$broker_port" 127.0.0.1:1 --base-image "127.0.0.1:$port/$base_path" \
    "${ca_args[@]}" --workdir "$work/$name" --result-file "$work/$name.json" "$@" > "$work/$name.log" 2>&1 \
    || { echo "the builder failed ($name); see its log:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
  seconds_since "$started"
  rm -rf "$dir" "$dir.conf" 2> /dev/null || true
}

# The hand-written build (issue 21's baseline) of the lock a job (NAME) rendered, in fresh storage, pushed to the
# empty registry on PORT: prints "<seconds>".
hand_written() {
  local name=$1 port=$2
  fresh_storage
  local started
  started=$(now_ms)
  CONTAINERS_STORAGE_CONF="$dir.conf" TMPDIR="$dir/tmp" bash scripts/hand-written-build.sh "$work/$name/context" \
    "127.0.0.1:$port" > "$work/hand-written-$port.log" 2>&1 \
    || { echo "the hand-written build failed; see $work/hand-written-$port.log" >&2; exit 1; }
  seconds_since "$started"
  rm -rf "$dir" "$dir.conf" 2> /dev/null || true
}

# Commits FILE with CONTENT to the bare repo served as OWNER/NAME; prints nothing.
commit_file() {
  local name=$1 file=$2 content=$3
  printf '%s\n' "$content" >> "$work/src-$name/$file"
  git -C "$work/src-$name" add -A
  git -C "$work/src-$name" -c user.name=flops -c user.email=flops@localhost commit -qm "bench: $file"
  git -C "$work/src-$name" push -q "$work/git/bench/$name.git" HEAD:main
}

# Every package download goes through this machine's network path, which may cache (a proxy does here): one
# throwaway job for both platforms first, so that no measured run pays for first downloads the other does not.
echo "bench: warm-up" >&2
serve_repo examples/numpy-regression bench warmup > /dev/null
job warmup "git://127.0.0.1:$git_port/bench/warmup.git" bench-warmup 15075 \
  --supported_platforms=linux/amd64,linux/arm64 > /dev/null

echo "bench: cold jobs and hand-written builds, alternating" >&2
serve_repo examples/numpy-regression bench regression > /dev/null
repo="git://127.0.0.1:$git_port/bench/regression.git"
# The first cold job ("cold") pushes to the registry that the code-only and rebuild jobs find it in.
cold_names=(cold cold-2 cold-3) cold_ports=($registry_port 15080 15081) cold=() hand=()
for run in 0 1 2; do
  name=${cold_names[$run]}
  cold+=("$(job "$name" "$repo" "bench-$name" "${cold_ports[$run]}")")
  hand+=("$(hand_written "$name" "${hand_ports[$run]}")")
done
sizes=$(node scripts/bench-image-size.mjs "$work/cold.json" "127.0.0.1:${hand_ports[0]}")

echo "bench: code-only change, .dockerignore'd change, rebuild" >&2
commit_file regression model_manager.py '# a code-only change'
code_s=$(job code "$repo" bench-code $registry_port)
printf 'x,y\n1,0\n' > "$work/src-regression/data-ignored.csv"
echo 'data-ignored.csv' >> "$work/src-regression/.dockerignore"
commit_file regression .dockerignore ''
ignored_s=$(job ignored-setup "$repo" bench-ignored $registry_port)
echo 'x,y' >> "$work/src-regression/data-ignored.csv"
commit_file regression data-ignored.csv '2,1'
ignored_s=$(job ignored "$repo" bench-ignored $registry_port)
rebuild=()
for run in 1 2 3; do rebuild+=("$(job "rebuild-$run" "$repo" bench-rebuild $registry_port)"); done

echo "bench: arm64 against amd64" >&2
serve_repo examples/numpy-regression bench amd64 > /dev/null
serve_repo examples/numpy-regression bench arm64 > /dev/null
amd64_s=$(job amd64 "git://127.0.0.1:$git_port/bench/amd64.git" bench-amd64 15076 --supported_platforms=linux/amd64)
arm64_s=$(job arm64 "git://127.0.0.1:$git_port/bench/arm64.git" bench-arm64 15077 --supported_platforms=linux/arm64)

rootless_s=null root_s=null
if [[ $skip_rootless == false ]]; then
  echo "bench: rootless against root" >&2
  serve_repo examples/numpy-regression bench root > /dev/null
  serve_repo examples/numpy-regression bench rootless > /dev/null
  root_s=$(job root "git://127.0.0.1:$git_port/bench/root.git" bench-root 15078)
  userdel --remove "$bench_user" 2>/dev/null || true
  useradd --create-home --user-group --shell /bin/sh "$bench_user"
  usermod --add-subuids 700000-765535 --add-subgids 700000-765535 "$bench_user"
  home=$(getent passwd "$bench_user" | cut -d: -f6)
  as_user() {
    setpriv --reuid "$bench_user" --regid "$bench_user" --init-groups -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
      HOME="$home" LANG=C.UTF-8 node "$PWD/dist/flops-image-builder.mjs" "git://127.0.0.1:$git_port/bench/rootless.git" \
      "http://127.0.0.1:15079" bench-rootless 127.0.0.1 "$broker_port" 127.0.0.1:1 --base-image "127.0.0.1:15079/$base_path" \
      "${ca_args[@]}" "$@"
  }
  # The user's own tool environment (pip and uv) is made once, as root's was before: not part of the comparison.
  as_user --dry-run > "$work/rootless-warmup.log" 2>&1 \
    || { echo "the rootless dry run failed; see its log:" >&2; tail -5 "$work/rootless-warmup.log" >&2; exit 1; }
  started=$(now_ms)
  as_user > "$work/rootless.log" 2>&1 \
    || { echo "the rootless builder failed; see its log:" >&2; tail -5 "$work/rootless.log" >&2; exit 1; }
  rootless_s=$(seconds_since "$started")
fi

pip_s=null uv_s=null
if [[ $skip_installers == false ]]; then
  echo "bench: pip against uv on the cold job's lock" >&2
  lock="$work/cold/context/locks/amd64/base.txt"
  python3 -m venv "$work/pip-venv" && python3 -m venv --without-pip "$work/uv-venv"
  uv="$(ls "${XDG_CACHE_HOME:-$HOME/.cache}"/flops-image-builder/pip-venv/bin/uv)"
  started=$(now_ms)
  PIP_NO_CACHE_DIR=1 "$work/pip-venv/bin/pip" install --quiet --disable-pip-version-check --no-deps \
    --require-hashes -r "$lock" > "$work/pip.log" 2>&1
  pip_s=$(seconds_since "$started")
  started=$(now_ms)
  UV_NO_CACHE=1 UV_SYSTEM_CERTS=1 "$uv" pip install --quiet --no-deps --require-hashes \
    --python "$work/uv-venv/bin/python" -r "$lock" > "$work/uv.log" 2>&1
  uv_s=$(seconds_since "$started")
fi

# The learner's and the aggregator's dependency images: each either reused from the registry or built (installed).
reused_when_ignored=$(grep -c 'Reusing the dependency image from the registry' "$work/ignored.log" || true)
mkdir -p /tmp/flops-bench-logs && cp "$work"/*.log "$work"/*.json /tmp/flops-bench-logs/ 2>/dev/null || true
node scripts/bench-report.mjs "$work/cold.json" "${cold[*]}" "${hand[*]}" "$sizes" "$code_s" "$ignored_s" \
  "$reused_when_ignored" "${rebuild[*]}" "$amd64_s" "$arm64_s" "$root_s" "$rootless_s" "$pip_s" "$uv_s"
