#!/usr/bin/env bash
# Times the demo as the README quotes it: on a fresh clone of this checkout's HEAD, after scripts/install-deps.sh
# has run once there (not timed), `bash scripts/demo.sh --fresh` with a cache folder of its own (the first run:
# base image, tool venvs and registry made from nothing) and then `bash scripts/demo.sh` again (the second run).
# Prints one JSON object; the runs' output stays in the printed folder.
# Usage (Debian 12, root): bash scripts/time-demo.sh [demo options, e.g. --registry-port N]
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d /tmp/flops-demo-timing.XXXXXX)"
git clone -q . "$work/clone"
cd "$work/clone"
bash scripts/install-deps.sh > "$work/install.log" 2>&1
cache="$work/cache"

run() {
  local name=$1 start status=0
  shift
  start=$(date +%s%N)
  bash scripts/demo.sh --cache "$cache" "$@" > "$work/$name.log" 2>&1 || status=$?
  local ms=$((($(date +%s%N) - start) / 1000000))
  local summary
  summary="$(sed -n 's/^ *summary: //p' "$work/$name.log")"
  local skipped=null accuracy=null
  if [[ -n "$summary" ]]; then
    skipped="$(node -p "require('$summary').builds.fl_actors.skipped")"
    accuracy="$(node -p "require('$summary').serving.accuracy")"
  fi
  printf '"%s": {"seconds": %d.%d, "exit_code": %d, "fl_actors_skipped": %s, "held_out_accuracy": %s}' \
    "$name" $((ms / 1000)) $((ms % 1000 / 100)) "$status" "$skipped" "$accuracy"
}

first=$(run first --fresh "$@")
second=$(run second "$@")
printf '{"commit": "%s", "cores": %d, %s, %s, "logs": "%s"}\n' "$(git rev-parse HEAD)" "$(nproc)" "$first" "$second" "$work"
