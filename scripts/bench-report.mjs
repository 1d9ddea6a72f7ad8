// Prints scripts/bench.sh's measurements as one JSON object of ratios and goals.
// Arguments: cold job result file; the cold jobs' and the hand-written builds' seconds (3 each, one space-separated
// argument each); the image sizes (scripts/bench-image-size.mjs's JSON); then seconds: code-only, ignored-only,
// dependency images reused by the ignored-only job (of 2), the 3 rebuilds (one space-separated argument), amd64,
// arm64, root, rootless, pip, uv ("null" where not measured).
import { readFileSync } from 'node:fs';

const [resultFile, ...values] = process.argv.slice(2);
const [colds, hands, sizes, code, ignored, reusedWhenIgnored, rebuilds, amd64, arm64, root, rootless, pip, uv] = values;
const number = (text) => (text === undefined || text === 'null' ? null : Number(text));
const ratio = (a, b) => (number(a) === null || !number(b) ? null : +(number(a) / number(b)).toFixed(2));
const result = JSON.parse(readFileSync(resultFile, 'utf8'));
const durations = result.durations_ms ?? {};
const total = result.total_ms ?? Object.values(durations).reduce((sum, ms) => sum + ms, 0);
const phases = Object.fromEntries(
  Object.entries(durations).map(([phase, ms]) => [
    phase,
    { seconds: +(ms / 1000).toFixed(1), share: +(ms / total).toFixed(2) },
  ]),
);
/** The runs of a space-separated argument, sorted, and their median. */
const runs = (text) => {
  const sorted = text
    .split(' ')
    .map(Number)
    .sort((a, b) => a - b);
  return { runs: sorted, median: sorted[Math.floor(sorted.length / 2)] };
};
const rebuildSeconds = runs(rebuilds).runs;
const coldRuns = runs(colds);
const handRuns = runs(hands);
const cold = String(coldRuns.median);

console.log(
  JSON.stringify(
    {
      job_vs_hand_written: {
        job_median_s: coldRuns.median,
        hand_written_median_s: handRuns.median,
        ratio: ratio(coldRuns.median, handRuns.median),
        goal: 1.1,
        job_runs: colds.split(' ').map(Number),
        hand_written_runs: hands.split(' ').map(Number),
      },
      image_sizes: JSON.parse(sizes),
      code_only: { code_only_s: number(code), cold_s: number(cold), ratio: ratio(code, cold), goal: 0.05 },
      ignored_only: { seconds: number(ignored), dependency_images_reused: Number(reusedWhenIgnored), of: 2 },
      rebuild: { median_s: rebuildSeconds[1], runs: rebuildSeconds, goal_s: 1 },
      phases: { total_s: +(total / 1000).toFixed(1), ...phases },
      arm64_vs_amd64: { amd64_s: number(amd64), arm64_s: number(arm64), ratio: ratio(arm64, amd64), goal: 1.5 },
      rootless_vs_root: { root_s: number(root), rootless_s: number(rootless), ratio: ratio(rootless, root) },
      installers: { pip_s: number(pip), uv_s: number(uv), ratio: ratio(pip, uv) },
    },
    null,
    2,
  ),
);
