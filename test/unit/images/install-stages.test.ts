// buildInstallStages against a fake buildah (the boundary): what it builds, and the copy of the Containerfile it writes.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInstallStages } from '../../../src/images/install-stages.js';
import type { Job } from '../../../src/job.js';

const LEARNER_TAG = 'localhost/flops-install:amd64-learner-d1';
const AGGREGATOR_TAG = 'localhost/flops-install:amd64-aggregator-d1';
const CONTAINERFILE = [
  'FROM base AS install',
  'FROM install AS aggregator-install',
  `FROM target AS learner-deps\nRUN --mount=type=bind,from=${LEARNER_TAG},source=/,target=/run ["cp"]`,
  `FROM learner-deps AS aggregator-deps\nRUN --mount=type=bind,from=${AGGREGATOR_TAG},source=/,target=/run ["cp"]`,
].join('\n');
const STAGES = {
  learner: [{ target: 'install', tag: LEARNER_TAG }],
  aggregator: [
    { target: 'install', tag: LEARNER_TAG },
    { target: 'aggregator-install', tag: AGGREGATOR_TAG },
  ],
};

describe('buildInstallStages', () => {
  let dir: string;
  /** The stages buildah was asked to build, in order. */
  let targets: string[];
  let job: Job;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'install-stages-'));
    await writeFile(join(dir, 'deps-amd64.Containerfile'), CONTAINERFILE);
    targets = [];
    const runOr = async (_code: string, _what: string, args: readonly string[]) => {
      const target = args[args.indexOf('--target') + 1] ?? '';
      targets.push(target);
      await writeFile(args[args.indexOf('--iidfile') + 1] ?? '', `sha256:id-of-${target}\n`);
      return { stdout: '', stderr: '' };
    };
    job = {
      workdir: dir,
      signal: new AbortController().signal,
      config: { phaseTimeoutsMs: { build: 60_000 } },
      buildSecrets: { caFile: join(dir, 'ca'), envFile: join(dir, 'env') },
      registryAccess: { authFile: undefined, certDir: undefined },
      buildah: { runOr },
    } as unknown as Job;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("builds each stage once per job and writes each role's copy naming the stages' image IDs", async () => {
    const build = { contextDir: dir, containerfile: 'deps-amd64.Containerfile' };
    const built = new Map<string, string>();
    const log = pino({ enabled: false });
    const learner = await buildInstallStages(job, build, STAGES.learner, 'learner', built, log);
    const aggregator = await buildInstallStages(job, build, STAGES.aggregator, 'aggregator', built, log);

    expect(targets).toEqual(['install', 'aggregator-install']);
    expect(learner).toEqual({
      containerfile: 'deps-amd64-learner.Containerfile',
      tags: [LEARNER_TAG],
      lastImageId: 'sha256:id-of-install',
    });
    expect(aggregator).toEqual({
      containerfile: 'deps-amd64-aggregator.Containerfile',
      tags: [LEARNER_TAG, AGGREGATOR_TAG],
      lastImageId: 'sha256:id-of-aggregator-install',
    });
    const written = await readFile(join(dir, aggregator.containerfile), 'utf8');
    expect(written).toContain('from=sha256:id-of-install,source=/');
    expect(written).toContain('from=sha256:id-of-aggregator-install,source=/');
    expect(written).not.toContain('flops-install:');
  });

  it('leaves a Containerfile without install stages as it is (the conda path)', async () => {
    const build = { contextDir: dir, containerfile: 'deps-amd64.Containerfile' };
    const result = await buildInstallStages(job, build, [], 'learner', new Map(), pino({ enabled: false }));
    expect(result).toEqual({ containerfile: 'deps-amd64.Containerfile', tags: [], lastImageId: undefined });
    expect(targets).toEqual([]);
  });
});
