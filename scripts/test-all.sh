#!/usr/bin/env bash
# Installs what is missing and runs every test: vitest (unit and integration, against real
# mosquitto, registry, git daemon and buildah) and pytest for the Python FL components.
# Ends with one line "N passed, N failed" summed from vitest's JSON report and pytest's JUnit report.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p test-results

npm run lint --silent
lint_status=$?

npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
vitest_status=$?
.venv/bin/python -m pytest fl-templates/tests -q --junitxml=test-results/pytest.xml
pytest_status=$?

LINT_STATUS=$lint_status node scripts/count-results.mjs test-results/vitest.json test-results/pytest.xml
if ((lint_status != 0 || vitest_status != 0 || pytest_status != 0)); then exit 1; fi
