// Prints "N passed, N failed" from vitest's JSON reports (*.json) and pytest's JUnit XML (*.xml), for CI to read.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const reports = process.argv.slice(2);
const vitestReports = reports.filter((file) => file.endsWith('.json'));
const junitReport = reports.find((file) => file.endsWith('.xml')) ?? '';
let passed = 0;
let failed = 0;
// vitest's skipped tests: in the core tier, those kept for the full tier (test/helpers/tier.ts).
let skipped = 0;
// Named before the count, so that a reader of CI's last lines sees which tests to look at.
const failedNames = [];
for (const vitestReport of vitestReports) {
  try {
    const vitest = JSON.parse(readFileSync(vitestReport, 'utf8'));
    passed += vitest.numPassedTests;
    failed += vitest.numFailedTests;
    skipped += vitest.numPendingTests ?? 0;
    for (const file of vitest.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        if (test.status === 'failed') failedNames.push(`${relative(process.cwd(), file.name)} > ${test.fullName}`);
      }
    }
  } catch {
    failed += 1; // no report means that vitest run did not happen
  }
}
try {
  const xml = readFileSync(junitReport, 'utf8');
  const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const bad = count('failures') + count('errors');
  passed += count('tests') - bad - count('skipped');
  failed += bad;
  for (const [, classname, name] of xml.matchAll(
    /<testcase classname="([^"]*)" name="([^"]*)"[^>]*>\s*<(?:failure|error)\b/g,
  )) {
    failedNames.push(`${classname}::${name}`);
  }
} catch {
  failed += 1; // no report means pytest did not run
}
// The linter counts as one check: it passes or fails as a whole.
if (process.env.LINT_STATUS !== undefined) {
  if (process.env.LINT_STATUS === '0') passed += 1;
  else failed += 1;
}
for (const name of failedNames) console.log(`FAILED ${name}`);
if (skipped > 0) console.log(`${skipped} vitest tests skipped (the full tier's: FLOPS_TEST_TIER=full runs them)`);
console.log(`${passed} passed, ${failed} failed`);
