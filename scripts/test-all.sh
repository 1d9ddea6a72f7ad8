#!/usr/bin/env bash
# Installs what is missing and runs every test: vitest (unit and integration, against real
# mosquitto, registry, git daemon and buildah) and pytest for the Python FL components.
# Ends with one line "N passed, N failed" summed from vitest's JSON report and pytest's JUnit report.
# FLOPS_TEST_TIER=full runs the integration tests of the full tier too (test/helpers/tier.ts); CI runs the core tier.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p test-results

# Lint beside the unit tests: mypy keeps one core busy, the unit tests' threads the rest. Its output follows theirs.
npm run lint --silent > test-results/lint.log 2>&1 &
lint_pid=$!

# Unit tests in parallel, then the integration tests one file at a time (each has its own config).
echo "Test tier: ${FLOPS_TEST_TIER:-core}"
npx vitest run -c vitest.unit.config.ts --reporter=default --reporter=json --outputFile.json=test-results/unit.json
unit_status=$?
wait "$lint_pid"
lint_status=$?
echo "Lint (exit $lint_status):"
cat test-results/lint.log
npx vitest run -c vitest.integration.config.ts --reporter=default --reporter=json \
  --outputFile.json=test-results/integration.json
integration_status=$?
.venv/bin/python -m pytest fl-templates/tests -q -n 2 --junitxml=test-results/pytest.xml
pytest_status=$?

LINT_STATUS=$lint_status node scripts/count-results.mjs test-results/unit.json test-results/integration.json \
  test-results/pytest.xml
if ((lint_status != 0 || unit_status != 0 || integration_status != 0 || pytest_status != 0)); then exit 1; fi
