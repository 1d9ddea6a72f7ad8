// Prints "N passed, N failed" from vitest's JSON reports (*.json) and pytest's JUnit XML (*.xml), for CI to read.
import { readFileSync } from 'node:fs';

const reports = process.argv.slice(2);
const vitestReports = reports.filter((file) => file.endsWith('.json'));
const junitReport = reports.find((file) => file.endsWith('.xml')) ?? '';
let passed = 0;
let failed = 0;
for (const vitestReport of vitestReports) {
  try {
    const vitest = JSON.parse(readFileSync(vitestReport, 'utf8'));
    passed += vitest.numPassedTests;
    failed += vitest.numFailedTests;
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
} catch {
  failed += 1; // no report means pytest did not run
}
// The linter counts as one check: it passes or fails as a whole.
if (process.env.LINT_STATUS !== undefined) {
  if (process.env.LINT_STATUS === '0') passed += 1;
  else failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
