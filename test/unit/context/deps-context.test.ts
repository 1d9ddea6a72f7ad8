import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDepsContext } from '../../../src/context/deps-context.js';
import { readLock } from '../../../src/deps/lock.js';
import type { DependencyPlan } from '../../../src/deps/plan/plan.js';
import { PhaseError } from '../../../src/errors.js';
import type { Job } from '../../../src/job.js';
import type { PlatformLock } from '../../../src/resolve/platform-lock.js';
import { run } from '../../helpers/load-config.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let dir: string;
let uv: string;
beforeEach(async () => {
  dir = await makeTempDir('deps-context');
  uv = join(dir, 'uv-binary');
  await writeFile(uv, 'uv');
});
afterEach(() => removeTempDir(dir));

const PLAN: DependencyPlan = {
  purpose: 'fl',
  python: '3.11',
  installer: 'pip',
  baseImage: 'r:5000/library/python:3.11-slim',
  flwrVersion: '1.42.0',
  runtimePins: ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
  aggregatorPins: ['mlflow<3'],
  requirements: ['numpy==1.26.4'],
  constraints: [],
  pipOptions: ['--extra-index-url https://x.example/simple'],
  condaEnvironment: undefined,
  patches: [],
  sources: {},
  snapshot: undefined,
};
const BASES = [
  { platform: 'linux/amd64', ref: 'r:5000/library/python@sha256:a1', digest: 'sha256:a1' },
  { platform: 'linux/arm64', ref: 'r:5000/library/python@sha256:b2', digest: 'sha256:b2' },
];
const lock = (platform: string, numpy = '1.26.4'): PlatformLock => ({
  platform,
  base: readLock(`numpy==${numpy} \\\n    --hash=sha256:11\n`),
  extras: readLock('mlflow==2.22.0 \\\n    --hash=sha256:22\n'),
  unlocked: [],
  moved: [],
  inputsHash: 'f'.repeat(64),
  reused: false,
  differs: [],
});
const jobFor = (platforms: string): Job =>
  ({ config: run(['https://h/a/b', 'http://r:5000', 'p', 'b', 'o', `--supported_platforms=${platforms}`]) }) as Job;

describe('writeDepsContext', () => {
  it('writes each platform its locks and a Containerfile with the platforms and bases written out, no ARG', async () => {
    const deps = await writeDepsContext(jobFor('linux/amd64,linux/arm64'), dir, {
      plan: PLAN,
      locks: [lock('linux/amd64'), lock('linux/arm64')],
      roles: ['learner', 'aggregator'],
      bases: BASES,
      uv,
    });
    expect(deps.map((item) => item.containerfile)).toEqual(['deps-amd64.Containerfile', 'deps-arm64.Containerfile']);
    const arm = await readFile(join(dir, 'deps-arm64.Containerfile'), 'utf8');
    expect(arm).toContain('FROM --platform=linux/amd64 r:5000/library/python@sha256:a1 AS install');
    expect(arm).toContain('FROM --platform=linux/arm64 r:5000/library/python@sha256:b2 AS learner-deps');
    expect(arm).toContain('--python-platform aarch64-manylinux_2_36');
    expect(arm).toContain('--no-deps --require-hashes');
    expect(arm).not.toMatch(/^ARG /m);
    // The base image's python or nothing: uv never downloads one during a build.
    expect(arm).toContain('uv venv --quiet --no-config --python-preference only-system --no-python-downloads');
    expect(await readFile(join(dir, 'locks', 'arm64', 'base.txt'), 'utf8')).toBe(
      '--extra-index-url https://x.example/simple\nnumpy==1.26.4 \\\n    --hash=sha256:11\n',
    );
    expect(await readFile(join(dir, 'locks', 'arm64', 'base-pins.txt'), 'utf8')).toBe('numpy==1.26.4\n');
    expect(await readFile(join(dir, 'tools', 'uv'), 'utf8')).toBe('uv');
    // The install stages list what the environment lets code import, for the imports phase; the target stages
    // copy /opt/venv alone, so the list stays out of the images.
    expect(await readFile(join(dir, 'tools', 'installed_modules.py'), 'utf8')).toContain('def stdlib()');
    expect(arm).toContain('installed_modules.py /opt/venv > /opt/flops/modules.json');
    expect(arm).toContain(
      'installed_modules.py /opt/venv /opt/flops/aggregator-layer \\\n        > /opt/flops/modules.json',
    );
    expect(deps[1]?.tags).toEqual({
      learner: expect.stringMatching(/^learner-arm64-[0-9a-f]{32}$/),
      aggregator: expect.stringMatching(/^aggregator-arm64-[0-9a-f]{32}$/),
    });
    expect(deps[1]?.inputsTag).toBe(`aggregator-arm64-in-${'f'.repeat(32)}`);
  });

  it('copies each environment from its install stage’s local tag, which names the digest of what it holds', async () => {
    const arm64 = async (locks: PlatformLock[]) => {
      const deps = await writeDepsContext(jobFor('linux/amd64,linux/arm64'), dir, {
        plan: PLAN,
        locks,
        roles: ['learner', 'aggregator'],
        bases: BASES,
        uv,
      });
      return { deps: deps[1], text: await readFile(join(dir, 'deps-arm64.Containerfile'), 'utf8') };
    };
    const first = await arm64([lock('linux/amd64'), lock('linux/arm64')]);
    const install = first.deps?.installStages.learner?.[0];
    expect(install?.target).toBe('install');
    expect(install?.tag).toMatch(/^localhost\/flops-install:arm64-learner-[0-9a-f]{32}$/);
    expect(first.deps?.installStages.aggregator?.map((stage) => stage.target)).toEqual([
      'install',
      'aggregator-install',
    ]);
    const aggregatorTag = first.deps?.installStages.aggregator?.[1]?.tag;
    expect(first.text).not.toMatch(/^COPY --from/m);
    expect(first.text).toContain(`RUN --mount=type=bind,from=${install?.tag},source=/,target=/run/flops/install \\\n`);
    expect(first.text).toContain(`RUN --mount=type=bind,from=${aggregatorTag},source=/,target=/run/flops/install \\\n`);
    const again = await arm64([lock('linux/amd64'), lock('linux/arm64')]);
    expect(again.deps?.installStages.learner?.[0]?.tag).toBe(install?.tag);
    const other = await arm64([lock('linux/amd64'), lock('linux/arm64', '2.0.1')]);
    expect(other.deps?.installStages.learner?.[0]?.tag).not.toBe(install?.tag);
  });

  it('names a dependency image by everything in it: another lock or base is another tag', async () => {
    const tags = async (locks: PlatformLock[], bases = BASES) =>
      (await writeDepsContext(jobFor('linux/amd64'), dir, { plan: PLAN, locks, roles: ['learner'], bases, uv }))[0]
        ?.tags.learner;
    const first = await tags([lock('linux/amd64')]);
    expect(await tags([lock('linux/amd64')])).toBe(first);
    expect(await tags([lock('linux/amd64', '2.0.1')])).not.toBe(first);
    expect(
      await tags(
        [lock('linux/amd64')],
        [{ ...BASES[0], digest: 'sha256:c3', ref: 'x@sha256:c3' } as never, BASES[1] as never],
      ),
    ).not.toBe(first);
  });

  it('without a lock, lets the build resolve the requirements themselves', async () => {
    await writeDepsContext(jobFor('linux/amd64'), dir, {
      plan: PLAN,
      locks: undefined,
      roles: ['learner'],
      bases: BASES,
      uv,
    });
    expect(await readFile(join(dir, 'locks', 'amd64', 'base.txt'), 'utf8')).toBe(
      '--extra-index-url https://x.example/simple\nnumpy==1.26.4\nflwr==1.42.0\npaho-mqtt==2.2.0\n',
    );
    expect(await readFile(join(dir, 'deps-amd64.Containerfile'), 'utf8')).toContain(
      '-c /opt/flops/locks/constraints.txt',
    );
  });

  it('refuses the conda path for another platform than the build’s', async () => {
    const conda = {
      ...PLAN,
      installer: 'conda' as const,
      condaEnvironment: { name: 'flops', channels: [], dependencies: [] },
    };
    const failure = await writeDepsContext(jobFor('linux/amd64,linux/arm64'), dir, {
      plan: conda,
      locks: undefined,
      roles: ['learner'],
      bases: BASES,
      uv,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PhaseError);
    expect(failure).toMatchObject({ code: 'PLATFORM_UNSUPPORTED' });
  });
});
