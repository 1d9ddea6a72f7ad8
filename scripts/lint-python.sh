#!/usr/bin/env bash
# The Python of fl-templates/ (run by `npm run lint`): ruff's rules and format, and mypy for python 3.9, strict for the
# runtime the images run. Settings in fl-templates/pyproject.toml; the tools come from .venv (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/../fl-templates"
bin=../.venv/bin
if [[ ! -x $bin/ruff || ! -x $bin/mypy ]]; then
  echo "ruff and mypy are not in .venv: run scripts/install-deps.sh (fl-templates/requirements-lint.txt)" >&2
  exit 1
fi
$bin/ruff check --quiet .
$bin/ruff format --check --quiet .
# The entry scripts, both named main.py, are read as entry.learner.main and entry.aggregator.main (explicit package
# bases), strict as the runtime by its override: in one run with it, so the installed packages are analysed once.
$bin/mypy --no-error-summary runtime/flops_common runtime/flops_learner runtime/flops_aggregator runtime/flops_utils \
  runtime/flops_trainer runtime/entry/learner/main.py runtime/entry/aggregator/main.py checks tests
# On its own, strict as the runtime: the stand-in is a second `mlflow`.
(cd runtime/stand-ins && ../../$bin/mypy --no-error-summary --no-warn-unused-configs --strict mlflow)
