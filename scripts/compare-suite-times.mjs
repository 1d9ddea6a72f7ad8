// Compares two runs of the suite, for the "no slower than before" goal of a change: each run's vitest JSON reports
// (*.json) and pytest JUnit report (*.xml), as scripts/test-all.sh writes them into test-results/.
//   node scripts/compare-suite-times.mjs <before test-results/> <after test-results/>
// Prints one JSON object: each report's wall-clock seconds, each test file's seconds in both runs (its tests, not all
// of its hooks), and the seconds of the tests found in both runs (same file, same name) summed per run, so that tests
// added later do not hide whether the old ones got slower.
// vitest's report times a file from its first test on: a file's beforeAll (where a shared build or server is made)
// is left out. In a report whose files ran one at a time, the time between the previous file's end and a file's
// start is that set-up (the first file's includes the global set-up): `setup` gives it per file, and `total` the
// two added; with files in parallel the gap means nothing and they are null.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Seconds per report, per test file and per test (key: file, then test name) of the reports in `dir`. */
function readRun(dir) {
  const reports = {};
  const files = new Map();
  const setups = new Map();
  const tests = new Map();
  for (const report of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, report), 'utf8');
    if (report.endsWith('.json')) reports[report] = readVitest(JSON.parse(text), files, setups, tests);
    if (report.endsWith('.xml')) reports[report] = readJunit(text, files, tests);
  }
  return { reports, files, setups, tests };
}

/** Reads one vitest JSON report into `files`, `setups` (seconds, or null in a parallel run) and `tests`; returns its
 * wall-clock seconds. */
function readVitest(report, files, setups, tests) {
  const inOrder = [...report.testResults].sort((a, b) => a.startTime - b.startTime);
  const serial = inOrder.every((file, at) => at === 0 || file.startTime >= inOrder[at - 1].endTime);
  let previousEnd = report.startTime;
  for (const file of inOrder) {
    // Paths are absolute and the two runs are in different clones: keep the part from test/ on.
    const key = file.name.slice(file.name.indexOf('/test/') + 1);
    files.set(key, (file.endTime - file.startTime) / 1000);
    setups.set(key, serial ? Math.max(0, file.startTime - previousEnd) / 1000 : null);
    previousEnd = file.endTime;
    for (const test of file.assertionResults) tests.set(`${key} > ${test.fullName}`, (test.duration ?? 0) / 1000);
  }
  return round(
    (Math.max(report.startTime, ...report.testResults.map((file) => file.endTime)) - report.startTime) / 1000,
  );
}

/** Reads one JUnit XML report into `files` and `tests`; returns its seconds. */
function readJunit(xml, files, tests) {
  const attribute = (tag, name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? '';
  for (const [tag] of xml.matchAll(/<testcase\b[^>]*>/g)) {
    const file = `${attribute(tag, 'classname').replaceAll('.', '/')}.py`;
    const seconds = Number(attribute(tag, 'time'));
    files.set(file, (files.get(file) ?? 0) + seconds);
    tests.set(`${file} > ${attribute(tag, 'name')}`, seconds);
  }
  return round(Number(attribute(/<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '', 'time')));
}

const round = (seconds) => Math.round(seconds * 10) / 10;
const sum = (values) => round(values.reduce((total, value) => total + value, 0));

const [beforeDir, afterDir] = process.argv.slice(2);
if (!beforeDir || !afterDir) {
  console.error('usage: node scripts/compare-suite-times.mjs <before test-results/> <after test-results/>');
  process.exit(2);
}
const before = readRun(beforeDir);
const after = readRun(afterDir);
const files = {};
for (const file of [...new Set([...before.files.keys(), ...after.files.keys()])].sort()) {
  const setup = (run) => (run.setups.get(file) == null ? null : round(run.setups.get(file)));
  const total = (run) => (setup(run) == null ? null : round((run.files.get(file) ?? 0) + setup(run)));
  files[file] = {
    before: round(before.files.get(file) ?? 0),
    after: round(after.files.get(file) ?? 0),
    setupBefore: setup(before),
    setupAfter: setup(after),
    totalBefore: total(before),
    totalAfter: total(after),
  };
}
const common = [...before.tests.keys()].filter((test) => after.tests.has(test));
console.log(
  JSON.stringify(
    {
      reportsBefore: before.reports,
      reportsAfter: after.reports,
      files,
      testsBefore: before.tests.size,
      testsAfter: after.tests.size,
      commonTests: common.length,
      commonTestSecondsBefore: sum(common.map((test) => before.tests.get(test))),
      commonTestSecondsAfter: sum(common.map((test) => after.tests.get(test))),
    },
    null,
    2,
  ),
);
