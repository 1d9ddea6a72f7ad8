import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import type { EnvSpec } from '../../../src/deps/env-spec.js';
import { PhaseError } from '../../../src/errors.js';
import {
  baseTemplateProblem,
  fillBaseTemplate,
  isBaseTemplate,
  minorsHeld,
  statedPython,
  templateRepository,
} from '../../../src/images/base-python.js';
import { choosePythonAndBase } from '../../../src/images/python-and-base.js';
import type { Job } from '../../../src/job.js';
import { hostPlatform } from '../../../src/platforms.js';
import type { ImageConfig } from '../../../src/tables/oci.js';

const TEMPLATE = 'mirror.local:5000/library/python:{python}-slim';

describe('base image templates', () => {
  it('fill {python} with the minor, as the default python:<X.Y>-slim', () => {
    expect(isBaseTemplate(TEMPLATE)).toBe(true);
    expect(isBaseTemplate('mirror.local:5000/library/python:3.11-slim')).toBe(false);
    expect(fillBaseTemplate(TEMPLATE, '3.10')).toBe('mirror.local:5000/library/python:3.10-slim');
    expect(templateRepository(TEMPLATE)).toEqual({ registry: 'mirror.local:5000', repository: 'library/python' });
  });

  it.each([
    [TEMPLATE, undefined],
    ['python:{python}', undefined],
    ['mirror.local:5000/python:py{python}-bookworm', undefined],
    ['mirror.local:5000/python{python}:slim', 'may only stand in the tag'],
    ['mirror.local:5000/{python}/python:slim', 'may only stand in the tag'],
    [`mirror.local:5000/python:{python}@sha256:${'a'.repeat(64)}`, 'must be an image reference'],
    ['mirror.local:5000/python:{python} slim', 'must be an image reference'],
    ['mirror.local:5000/python:{pyth}', undefined],
  ])('%j: %s', (template, problem) => {
    const found = baseTemplateProblem(template);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('are refused at the command line when {python} is not in the tag (exit 2)', () => {
    const run = () =>
      loadConfig(['https://h/a/b', 'http://r:5000', 'p', 'broker', 'observer', '--base-image', 'r/py{python}:x'], {});
    expect(run).toThrow(/--base-image "r\/py\{python\}:x": \{python\} may only stand in the tag/);
  });

  it('find the minors whose tag the mirror holds, in the order given', () => {
    const tags = ['3.12-slim', '3.10-slim', '3.10', 'latest', '3.9-slim-bookworm'];
    expect(minorsHeld(TEMPLATE, ['3.12', '3.11', '3.10', '3.9'], tags)).toEqual(['3.12', '3.10']);
    expect(minorsHeld(TEMPLATE, ['3.11'], tags)).toEqual([]);
  });
});

describe('statedPython: what an image config says its python is', () => {
  const config = (env: string[] | undefined): ImageConfig =>
    ({ architecture: 'amd64', os: 'linux', config: env && { Env: env } }) as ImageConfig;

  it.each([
    [['PATH=/usr/local/bin', 'PYTHON_VERSION=3.11.9'], { version: '3.11.9', minor: '3.11' }],
    [['PYTHON_VERSION=3.10.14'], { version: '3.10.14', minor: '3.10' }],
    [['PYTHON_VERSION=3.13.0rc2'], { version: '3.13.0rc2', minor: '3.13' }],
    [['PYTHON_VERSION=3.12'], { version: '3.12', minor: '3.12' }],
    [['PYTHON_VERSION=2.7.18'], undefined],
    [['PYTHON_VERSION=latest'], undefined],
    [['LANG=C.UTF-8'], undefined],
    [undefined, undefined],
  ])('%j → %j', (env, stated) => {
    expect(statedPython(config(env))).toEqual(stated);
  });
});

/** A requirements-style environment with this python constraint (conda packages when `condaOnly`). */
function env(pythonConstraint: string | undefined, condaOnly = false): EnvSpec {
  return {
    file: 'conda.yaml',
    format: 'conda',
    pythonConstraint,
    pythonSource: undefined,
    requirements: [{ requirement: 'numpy', file: 'conda.yaml', line: 4 }],
    constraints: [],
    pipOptions: [],
    conda: condaOnly
      ? {
          name: 'x',
          channels: ['conda-forge'],
          packages: [{ spec: 'r-base', name: 'r-base', kind: 'conda-only', file: 'conda.yaml', line: 5 }],
        }
      : undefined,
  } as EnvSpec;
}

/** A job whose registry (r:5000) holds `images`: tag → the PYTHON_VERSION its config says (undefined: none). */
function job(baseImage: string | undefined, images: Record<string, string | undefined>, extra: string[] = []) {
  const calls: string[] = [];
  const registry = {
    tags: async (repository: string) => {
      calls.push(`tags ${repository}`);
      return Object.keys(images);
    },
    platformImage: async (repository: string, reference: string, platform: string) => {
      calls.push(`image ${repository}:${reference} ${platform}`);
      if (!(reference in images)) return undefined;
      const version = images[reference];
      return { config: { config: { Env: version ? [`PYTHON_VERSION=${version}`] : [] } } };
    },
  };
  const argv = ['https://h/a/b', 'http://r:5000', 'p', 'broker', 'observer', ...extra];
  const invocation = loadConfig(baseImage ? [...argv, '--base-image', baseImage] : argv, {});
  if (invocation.kind !== 'run') throw new Error('no config');
  return { job: { config: invocation.config, architecture: 'amd64', registry } as unknown as Job, calls };
}

const failure = (promise: Promise<unknown>): Promise<PhaseError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as PhaseError,
  );

describe('choosePythonAndBase', () => {
  const fixed = 'r:5000/library/python:3.11-slim';
  const template = 'r:5000/library/python:{python}-slim';

  it('refuses a pinned python the fixed base does not have, naming both, with its own code', async () => {
    const { job: j } = job(fixed, { '3.11-slim': '3.11.2' });
    const error = await failure(choosePythonAndBase(j, env('=3.10.14')));
    expect(error).toBeInstanceOf(PhaseError);
    expect(error.code).toBe('BASE_IMAGE_PYTHON_MISMATCH');
    expect(error.message).toContain('conda.yaml asks for python =3.10.14');
    expect(error.message).toContain(`the base image ${fixed} has python 3.11.2`);
    expect(error.message).toContain('use a base image with python 3.10');
  });

  it("reads the build platform's image of the base", async () => {
    const { job: j, calls } = job(fixed, { '3.11-slim': '3.11.2' });
    await choosePythonAndBase(j, env(undefined));
    expect(calls).toEqual([`image library/python:3.11-slim ${hostPlatform().platform}`]);
  });

  it("chooses the fixed base's python where the environment allows several", async () => {
    const { job: j } = job(fixed, { '3.11-slim': '3.11.2' });
    expect(await choosePythonAndBase(j, env('>=3.9'))).toEqual({
      python: '3.11',
      note: `not 3.12: the base image ${fixed} has 3.11`,
      baseImage: fixed,
    });
  });

  it('refuses a base whose python is not among --python-versions', async () => {
    const { job: j } = job(fixed, { '3.11-slim': '3.13.1' });
    const error = await failure(choosePythonAndBase(j, env('>=3.9')));
    expect(error.code).toBe('BASE_IMAGE_PYTHON_MISMATCH');
    expect(error.message).toContain('which is not among --python-versions 3.9, 3.10, 3.11, 3.12');
  });

  it('takes a fixed base that does not say its python on trust', async () => {
    const { job: j } = job(fixed, { '3.11-slim': undefined });
    expect(await choosePythonAndBase(j, env('=3.10.14'))).toEqual({
      python: '3.10',
      note: undefined,
      baseImage: fixed,
    });
  });

  it('fills a template with the newest python the mirror holds that the environment allows', async () => {
    const { job: j } = job(template, { '3.10-slim': '3.10.14', '3.11-slim': '3.11.2', latest: '3.13.0' });
    expect(await choosePythonAndBase(j, env('>=3.9'))).toEqual({
      python: '3.11',
      note: 'not 3.12: the base image r:5000/library/python:3.11-slim has 3.11',
      baseImage: 'r:5000/library/python:3.11-slim',
    });
    expect(await choosePythonAndBase(j, env('=3.10.14'))).toMatchObject({
      python: '3.10',
      baseImage: 'r:5000/library/python:3.10-slim',
    });
    // No constraint: the default python when the mirror holds it.
    expect(await choosePythonAndBase(j, env(undefined))).toMatchObject({ python: '3.11', note: undefined });
  });

  it('refuses a template whose mirror holds none of the pythons the environment allows', async () => {
    const { job: j } = job(template, { '3.11-slim': '3.11.2', '3.12-slim': '3.12.1' });
    const error = await failure(choosePythonAndBase(j, env('=3.10.14')));
    expect(error.code).toBe('BASE_IMAGE_PYTHON_MISMATCH');
    expect(error.message).toContain('is held for python 3.11, 3.12 alone');
    expect(error.message).toContain('mirror the python 3.10 image as r:5000/library/python:3.10-slim');
  });

  it('refuses a template whose mirror holds no python at all as a missing base', async () => {
    const { job: j } = job(template, { latest: '3.11.2' });
    expect((await failure(choosePythonAndBase(j, env('>=3.9')))).code).toBe('BASE_IMAGE_MISSING');
  });

  it('refuses a tag whose image says another python than its name', async () => {
    const { job: j } = job(template, { '3.10-slim': '3.11.2' });
    const error = await failure(choosePythonAndBase(j, env('=3.10.14')));
    expect(error.code).toBe('BASE_IMAGE_PYTHON_MISMATCH');
    expect(error.message).toContain('is tagged for python 3.10 but has python 3.11.2');
  });

  it('asks no registry on the conda path or in a dry run', async () => {
    const conda = job(template, {});
    expect(await choosePythonAndBase(conda.job, env('=3.10.14', true))).toMatchObject({ python: '3.10' });
    const dry = job(template, {}, ['--dry-run']);
    expect(await choosePythonAndBase(dry.job, env('>=3.9'))).toEqual({
      python: '3.12',
      note: undefined,
      baseImage: 'r:5000/library/python:3.12-slim',
    });
    expect([...conda.calls, ...dry.calls]).toEqual([]);
  });

  it('refuses a python no supported minor fits as PYTHON_UNSUPPORTED, before any registry call', async () => {
    const { job: j, calls } = job(fixed, { '3.11-slim': '3.11.2' });
    expect((await failure(choosePythonAndBase(j, env('=2.7')))).code).toBe('PYTHON_UNSUPPORTED');
    expect(calls).toEqual([]);
  });
});
