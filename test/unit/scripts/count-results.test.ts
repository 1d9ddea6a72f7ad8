// scripts/count-results.mjs: CI reads its last line, and a person the failed tests named above it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../scripts/count-results.mjs', import.meta.url));

const VITEST_REPORT = {
  numPassedTests: 2,
  numFailedTests: 1,
  testResults: [
    {
      name: join(process.cwd(), 'test/integration/faults.test.ts'),
      assertionResults: [
        { status: 'passed', fullName: 'faults the registry answers' },
        { status: 'failed', fullName: 'faults the broker is down' },
        { status: 'passed', fullName: 'faults git is slow' },
      ],
    },
  ],
};

const JUNIT_REPORT = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1"
 skipped="1" tests="4" time="1"><testcase classname="tests.test_session" name="test_stops" time="1"><failure message="x">
boom</failure></testcase><testcase classname="tests.test_session" name="test_runs" time="1" /></testsuite></testsuites>`;

function countResults(files: Record<string, string>, lintStatus: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'count-results-'));
  const paths = Object.entries(files).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const output = execFileSync('node', [SCRIPT, ...paths], { env: { ...process.env, LINT_STATUS: lintStatus } });
  return output.toString().trim().split('\n');
}

it('names each failed test, then ends with the one line CI reads', () => {
  const lines = countResults({ 'unit.json': JSON.stringify(VITEST_REPORT), 'pytest.xml': JUNIT_REPORT }, '0');
  expect(lines).toEqual([
    'FAILED test/integration/faults.test.ts > faults the broker is down',
    'FAILED tests.test_session::test_stops',
    '5 passed, 2 failed',
  ]);
});

it('counts a failed lint as one failure', () => {
  const lines = countResults({ 'pytest.xml': JUNIT_REPORT }, '1');
  expect(lines.at(-1)).toBe('2 passed, 2 failed');
});

it('says how many vitest tests were skipped, above the last line', () => {
  const report = { ...VITEST_REPORT, numFailedTests: 0, numPendingTests: 3, testResults: [] };
  const lines = countResults({ 'integration.json': JSON.stringify(report), 'pytest.xml': JUNIT_REPORT }, '0');
  expect(lines.slice(-2)).toEqual([
    "3 vitest tests skipped (the full tier's: FLOPS_TEST_TIER=full runs them)",
    '5 passed, 1 failed',
  ]);
});
