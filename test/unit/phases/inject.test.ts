import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/config.js';
import { deriveImageNames } from '../../../src/images/image-names.js';
import type { Job } from '../../../src/job.js';
import { inject as injectContext } from '../../../src/phases/inject.js';
import type { PatchResult } from '../../../src/phases/patch.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let work: string;
beforeEach(async () => {
  work = await makeTempDir('inject');
  await mkdir(join(work, 'repo'));
  await writeFile(join(work, 'repo', 'model_manager.py'), 'class ModelManager: ...\n');
});
afterEach(() => removeTempDir(work));

const PIP: PatchResult = {
  python: '3.10',
  installer: 'pip',
  baseImage: 'docker.io/library/python:3.10-slim',
  flwrVersion: '1.30.0',
  purpose: 'fl',
  runtimePins: ['flwr==1.30.0', 'paho-mqtt==2.2.0'],
  aggregatorPins: ['mlflow<3'],
  requirements: ['torch==2.1.1+cpu', 'torchvision==0.16.1+cpu'],
  pipOptions: ['--extra-index-url https://download.pytorch.org/whl/cpu'],
  constraints: ['protobuf<5'],
  condaEnvironment: undefined,
  patches: [],
};

async function inject(patch: PatchResult): Promise<string> {
  const invocation = loadConfig(['https://h/a/b', 'http://r:5000', 'p', 'broker', 'observer'], {});
  if (invocation.kind !== 'run') throw new Error('no config');
  const job = { config: invocation.config, workdir: work } as Job;
  if (invocation.config.plan !== 'fl_actors') throw new Error('expected fl_actors');
  const images = deriveImageNames(invocation.config.repo, 'r:5000', 'abc');
  const result = await injectContext(job, { repoDir: join(work, 'repo'), images, plan: patch });
  return result.contextDir;
}

const read = (context: string, file: string): Promise<string> => readFile(join(context, file), 'utf8');

describe('inject', () => {
  it('renders the pip path: options then requirements, the constraints, base.Containerfile passing both to pip', async () => {
    const context = await inject(PIP);
    expect(await read(context, 'requirements.txt')).toBe(
      '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.1.1+cpu\ntorchvision==0.16.1+cpu\n',
    );
    expect(await read(context, 'constraints.txt')).toBe('protobuf<5\n');
    const base = await read(context, 'base.Containerfile');
    expect(base).toContain('FROM docker.io/library/python:3.10-slim\n');
    expect(base).toContain('-c /opt/flops/constraints.txt');
    expect(base).toContain('-r /opt/flops/runtime-requirements.txt');
    expect(await read(context, 'runtime-requirements.txt')).toBe('flwr==1.30.0\npaho-mqtt==2.2.0\n');
    expect(base).not.toContain('conda');
  });

  it('renders the conda path: environment.yaml and a base that runs conda env update into /opt/venv', async () => {
    const context = await inject({
      ...PIP,
      installer: 'conda',
      baseImage: 'docker.io/condaforge/miniforge3:24.11.3-0',
      requirements: ['rpy2==3.5.15'],
      pipOptions: [],
      constraints: [],
      condaEnvironment: {
        name: 'flops',
        channels: ['conda-forge'],
        dependencies: ['python=3.10', 'pip', 'r-base=4.3.1'],
      },
    });
    expect(parse(await read(context, 'environment.yaml'))).toEqual({
      name: 'flops',
      channels: ['conda-forge'],
      dependencies: ['python=3.10', 'pip', 'r-base=4.3.1'],
    });
    const base = await read(context, 'base.Containerfile');
    expect(base).toContain('FROM docker.io/condaforge/miniforge3:24.11.3-0\n');
    expect(base).toContain('conda env update --prefix /opt/venv --file /opt/flops/environment.yaml');
    expect(base).toContain('/opt/venv/bin/python -m pip install');
    expect(base).not.toMatch(/\{\{/);
    expect(await read(context, 'learner.Containerfile')).toContain('"/opt/venv/bin/python", "-m", "flops_learner"');
  });
});
