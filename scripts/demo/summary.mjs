// The demo's summary: both builds, the rounds, the served model's answers, where the logs are; as JSON beside a
// PNG plot of accuracy and loss per round, and as lines for people.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const ROOT = new URL('../../', import.meta.url).pathname;
const seconds = (ms) => Math.round(ms / 100) / 10;

/** The part of a builder result the summary keeps: phase timings and each image with its compressed size. */
export function buildSummary(result, images) {
  return {
    skipped: Boolean(result.skipped),
    skip_reason: result.skip_reason ?? null,
    total_s: seconds(result.total_ms ?? 0),
    phases_s: Object.fromEntries(Object.entries(result.durations_ms ?? {}).map(([phase, ms]) => [phase, seconds(ms)])),
    images,
  };
}

/** Writes summary.json and rounds.png in the run folder; returns their paths. */
export async function writeSummary(runDir, python, summary) {
  const json = join(runDir, 'summary.json');
  await writeFile(json, `${JSON.stringify(summary, null, 2)}\n`);
  const png = join(runDir, 'rounds.png');
  await execa(python, [join(ROOT, 'scripts/demo/plot_rounds.py'), json, png]);
  return { json, png };
}

/** The summary as lines for people. */
export function summaryLines(summary, paths) {
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [];
  for (const [plan, build] of Object.entries(summary.builds)) {
    const phases = Object.entries(build.phases_s)
      .map(([phase, s]) => `${phase} ${s} s`)
      .join(', ');
    lines.push(`${plan} build: ${build.skipped ? `skipped (${build.skip_reason})` : `${build.total_s} s`}; ${phases}`);
    for (const image of build.images) lines.push(`  ${image.reference}  ${mb(image.compressed_bytes)} compressed`);
  }
  lines.push('rounds:');
  for (const r of summary.rounds)
    lines.push(`  round ${r.round}: loss ${r.loss.toFixed(4)}, accuracy ${r.accuracy.toFixed(4)}`);
  const { serving } = summary;
  lines.push(`served model on ${serving.held_out} held-out digits: accuracy ${serving.accuracy.toFixed(4)}`);
  lines.push(
    `steps: ${Object.entries(summary.steps_s)
      .map(([step, s]) => `${step} ${s} s`)
      .join(', ')}; total ${summary.total_s} s`,
  );
  lines.push(`logs: ${summary.logs}`);
  lines.push(`summary: ${paths.json}`);
  lines.push(`plot of accuracy and loss per round: ${paths.png}`);
  return lines;
}

export { seconds };
