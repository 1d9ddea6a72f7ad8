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
    // No stage runs on the target: its base is read from the registry when the image is assembled.
    expect(arm).not.toContain('--platform=linux/arm64');
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
    // Stages of their own list what the environment lets code import, for the imports phase: the images are
    // assembled from the install stages' top layers, so the list stays out of them.
    expect(await readFile(join(dir, 'tools', 'installed_modules.py'), 'utf8')).toContain('def stdlib()');
    // Each image gets the top layer of its stage: `install` ends with the step making the environment and the user.
    const install = arm.slice(arm.indexOf(' AS install\n'), arm.indexOf('\n\n', arm.indexOf(' AS install\n')));
    expect(install).toMatch(/useradd [^\n]+ flops$/);
    expect(install).not.toContain('cp ');
    expect(arm).toMatch(/FROM install AS learner-modules\n.*\nRUN .*installed_modules\.py \/opt\/venv > /);
    // Locked, the aggregator's packages install into an environment of their own, beside the learner's: in a
    // working container of `environment` (no stage of the file), by the script in tools/.
    expect(arm).not.toMatch(/ AS aggregator-install\n/);
    const script = await readFile(join(dir, 'tools', 'aggregator-install.sh'), 'utf8');
    expect(script).toContain('--prefix /opt/flops/aggregator-layer -r /opt/flops/locks/extras.txt');
    expect(script).toContain('installed_modules.py" /opt/venv > /opt/flops/out/modules.json');
    expect(await readFile(join(dir, 'tools', 'with-build-secrets.sh'), 'utf8')).toContain('/run/secrets');
    expect(deps[1]?.installStages.aggregator?.own).toEqual({
      name: expect.stringMatching(/^localhost\/flops-install:arm64-aggregator-install-[0-9a-f]{32}$/),
      from: { target: 'environment', tag: expect.stringMatching(/^localhost\/flops-install:arm64-environment-/) },
      script: 'aggregator-install.sh',
      args: ['aarch64-manylinux_2_36', '--no-deps', '--require-hashes'],
      locks: 'locks/arm64',
      createdBy: expect.stringContaining('aggregator packages'),
    });
    const environment = arm.slice(
      arm.indexOf(' AS environment\n'),
      arm.indexOf('\n\n', arm.indexOf(' AS environment\n')),
    );
    expect(environment).toContain('uv venv --quiet');
    expect(environment).not.toContain('pip install');
    expect(deps[1]?.tags).toEqual({
      learner: expect.stringMatching(/^learner-arm64-[0-9a-f]{32}$/),
      aggregator: expect.stringMatching(/^aggregator-arm64-[0-9a-f]{32}$/),
    });
    expect(deps[1]?.inputsTag).toBe(`aggregator-arm64-in-${'f'.repeat(32)}`);
  });

  it('assembles each image from install stages under local tags that name the digest of what they hold', async () => {
    const arm64 = async (locks: PlatformLock[]) => {
      const deps = await writeDepsContext(jobFor('linux/amd64,linux/arm64'), dir, {
        plan: PLAN,
        locks,
        roles: ['learner', 'aggregator'],
        bases: BASES,
        uv,
      });
      return deps[1];
    };
    const first = await arm64([lock('linux/amd64'), lock('linux/arm64')]);
    const learner = first?.installStages.learner;
    expect(learner?.layers.map((stage) => stage.target)).toEqual(['install']);
    expect(learner?.modules.target).toBe('learner-modules');
    expect(learner?.layers[0]?.tag).toMatch(/^localhost\/flops-install:arm64-install-[0-9a-f]{32}$/);
    // The aggregator's image is the learner's layers, its list, and its own layer on top.
    const aggregator = first?.installStages.aggregator;
    expect(aggregator?.layers).toEqual(learner?.layers);
    expect(aggregator?.modules).toEqual(learner?.modules);
    expect(aggregator?.own?.name).toBe(learner?.layers[0]?.tag.replace('-install-', '-aggregator-install-'));
    // The serving and training images use the learner's set.
    expect(first?.installStages.model).toEqual(learner);
    const again = await arm64([lock('linux/amd64'), lock('linux/arm64')]);
    expect(again?.installStages.learner?.layers[0]?.tag).toBe(learner?.layers[0]?.tag);
    const other = await arm64([lock('linux/amd64'), lock('linux/arm64', '2.0.1')]);
    expect(other?.installStages.learner?.layers[0]?.tag).not.toBe(learner?.layers[0]?.tag);
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
    const deps = await writeDepsContext(jobFor('linux/amd64'), dir, {
      plan: PLAN,
      locks: undefined,
      roles: ['learner', 'aggregator'],
      bases: BASES,
      uv,
    });
    expect(await readFile(join(dir, 'locks', 'amd64', 'base.txt'), 'utf8')).toBe(
      '--extra-index-url https://x.example/simple\nnumpy==1.26.4\nflwr==1.42.0\npaho-mqtt==2.2.0\n',
    );
    const containerfile = await readFile(join(dir, 'deps-amd64.Containerfile'), 'utf8');
    expect(containerfile).toContain('-c /opt/flops/locks/constraints.txt');
    // Unlocked, the aggregator's requirements resolve against the learner's environment: installed after it, in a
    // working container of the learner's install stage.
    expect(deps[0]?.installStages.aggregator?.own).toMatchObject({
      from: { target: 'install' },
      args: ['x86_64-manylinux_2_36', '-c', '/opt/flops/locks/constraints.txt'],
    });
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
