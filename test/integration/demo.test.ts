// The README's first command, run as a user runs it: `bash scripts/demo.sh`, here on free ports and a cache folder of
// its own so that it runs beside other services. Twice: the second run must find the first's images.

import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, isListening } from '../helpers/ports.js';
import { fullTierIt } from '../helpers/tier.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORT_OPTIONS = ['broker', 'registry', 'observer', 'git', 'mlflow', 'data', 'aggregator', 'serve'];
// Kept between test runs as a user's cache is: the base image, the tool venvs and the registry's storage.
const CACHE = join(process.env.FLOPS_TEST_CACHE || join(homedir(), '.cache', 'flops-image-builder'), 'demo-test');

interface DemoRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

async function runDemo(args: readonly string[]): Promise<DemoRun> {
  const started = Date.now();
  const run = await execa('bash', ['scripts/demo.sh', ...args], { cwd: ROOT, reject: false, timeout: 30 * 60_000 });
  return {
    exitCode: run.exitCode,
    stdout: String(run.stdout),
    stderr: String(run.stderr),
    seconds: (Date.now() - started) / 1000,
  };
}

/** The path the demo printed after `label: `. */
function printed(run: DemoRun, label: string): string {
  const found = new RegExp(`^\\s*${label}: (\\S+)$`, 'm').exec(run.stdout)?.[1];
  expect(found, `${label} in ${run.stdout.slice(-3000)}`).toBeDefined();
  return found as string;
}

describe('scripts/demo.sh', () => {
  let ports: Record<string, number>;
  let portArgs: string[];
  const runs: DemoRun[] = [];

  beforeAll(async () => {
    const chosen = await freePorts(PORT_OPTIONS.length);
    ports = Object.fromEntries(PORT_OPTIONS.map((name, at) => [name, chosen[at] as number]));
    portArgs = Object.entries(ports).flatMap(([name, port]) => [`--${name}-port`, String(port)]);
  });

  afterAll(async () => {
    for (const port of Object.values(ports ?? {})) expect(await isListening(port), `port ${port} freed`).toBe(false);
  });

  it(
    'runs the whole loop: the builds, training, the served model above 0.85 on held-out digits, a summary and a plot',
    async () => {
      // The registry's storage goes, the base image and the tool venvs stay: images that an earlier checkout's code
      // built for the same commit would otherwise let this run skip the build it is here to test.
      await rm(join(CACHE, 'registry'), { recursive: true, force: true });
      const run = await runDemo(['--cache', CACHE, ...portArgs]);
      runs.push(run);
      expect(run.exitCode, `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`).toBe(0);
      const summary = JSON.parse(await readFile(printed(run, 'summary'), 'utf8'));
      expect(summary.serving.accuracy).toBeGreaterThanOrEqual(0.85);
      expect(summary.serving.held_out).toBeGreaterThanOrEqual(300);
      expect(summary.rounds.map((r: { round: number }) => r.round)).toEqual([1, 2, 3, 4, 5]);
      for (const round of summary.rounds) {
        expect(round.accuracy).toBeGreaterThan(0);
        expect(round.loss).toBeGreaterThan(0);
      }
      const images = [...summary.builds.fl_actors.images, ...summary.builds.trained_model.images];
      expect(images.map((image: { reference: string }) => image.reference)).toEqual([
        expect.stringMatching(/\/flops-demo\/digits-sklearn\/learner:[0-9a-f]{40}$/),
        expect.stringMatching(/\/flops-demo\/digits-sklearn\/aggregator:[0-9a-f]{40}$/),
        expect.stringMatching(/\/flops-demo\/trained_model:[0-9a-f]{32}$/),
      ]);
      for (const image of images) expect(image.compressed_bytes).toBeGreaterThan(1_000_000);
      const plot = printed(run, 'plot of accuracy and loss per round');
      expect(plot).toBe(join(printed(run, 'summary'), '..', 'rounds.png'));
      expect((await readFile(plot)).subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    40 * 60_000,
  );

  // Full tier: a second whole loop (training and a model image again); the first run is the README's command.
  fullTierIt(
    'skips the fl_actors build on a second run of the same commit and builds a new trained model image',
    async () => {
      expect(runs[0]?.exitCode, 'the first run passed').toBe(0);
      const run = await runDemo(['--cache', CACHE, ...portArgs]);
      expect(run.exitCode, `${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`).toBe(0);
      const [first, second] = await Promise.all(
        [runs[0] as DemoRun, run].map(async (one) => JSON.parse(await readFile(printed(one, 'summary'), 'utf8'))),
      );
      expect(second.builds.fl_actors.skipped).toBe(true);
      expect(second.builds.fl_actors.images).toEqual(first.builds.fl_actors.images);
      expect(second.builds.trained_model.skipped).toBe(false);
      expect(second.builds.trained_model.images[0].reference).not.toBe(first.builds.trained_model.images[0].reference);
      expect(second.serving.accuracy).toBeGreaterThanOrEqual(0.85);
    },
    20 * 60_000,
  );

  it('names a busy port, with its option, before starting anything', async () => {
    const [taken] = await freePorts(1, Object.values(ports));
    const blocker = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const args = portArgs.map((arg, at) => (portArgs[at - 1] === '--mlflow-port' ? String(taken) : arg));
      const run = await runDemo(['--cache', CACHE, ...args]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(`port ${taken} (--mlflow-port) is in use`);
      expect(run.stdout).not.toContain('== 0/4');
      for (const [name, port] of Object.entries(ports)) {
        if (name !== 'mlflow') expect(await isListening(port), `--${name}-port ${port}`).toBe(false);
      }
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 120_000);
});
