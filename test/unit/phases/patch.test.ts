import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import type { EnvSpec } from '../../../src/deps/env-spec.js';
import { PhaseError } from '../../../src/errors.js';
import type { Job } from '../../../src/job.js';
import { type PatchInput, type PatchResult, patch, patchPhase, summary } from '../../../src/phases/patch.js';

function job(argv: readonly string[] = []): Job {
  const invocation = loadConfig(['https://h/a/b', 'http://r:5000', 'p', 'broker', 'observer', ...argv], {});
  if (invocation.kind !== 'run') throw new Error('no config');
  return { config: invocation.config, architecture: 'amd64' } as Job;
}

function validated(requirements: string[], python = '3.11', baseImage?: string): PatchInput {
  const env: EnvSpec = {
    file: 'requirements.txt',
    format: 'requirements',
    pythonConstraint: undefined,
    pythonSource: undefined,
    requirements: requirements.map((requirement, index) => ({
      requirement,
      file: 'requirements.txt',
      line: index + 1,
    })),
    constraints: [],
    pipOptions: [],
    conda: undefined,
  };
  return { env, python, baseImage, imports: [], purpose: 'fl' };
}

const run = (input: PatchInput, argv: readonly string[] = []): Promise<PatchResult> => patch(job(argv), input);

describe('patchPhase', () => {
  it('reports the patches in the done detail, and one readable summary line', async () => {
    const result = await run(validated(['mlflow==2.9.2', 'torch==2.1.1', 'numpy==1.26.4']));
    expect(patchPhase.describe(result)).toEqual({
      summary:
        "python 3.11, flwr 1.42.0, pip on docker.io/library/python:3.11-slim; 3 changes: removed mlflow==2.9.2 (requirements.txt:1) from the learner: a learner must not report to a tracking server: that would break FL's privacy promise; installed torch as CPU-only wheels from https://download.pytorch.org/whl/cpu (torch==2.1.1+cpu): edge nodes rarely have NVIDIA GPUs and the CUDA wheels add gigabytes; build with --torch-cuda to keep them; the aggregator gets the MLflow client mlflow==2.9.2, the repo's pin mlflow==2.9.2 (requirements.txt:1), in a layer of its own",
      patches: result.patches,
      python_version: '3.11',
      flwr_version: '1.42.0',
      base_image: 'docker.io/library/python:3.11-slim',
      installer: 'pip',
      runtime_pins: ['flwr==1.42.0', 'paho-mqtt==2.2.0'],
      aggregator_pins: ['mlflow==2.9.2', 'setuptools<81'],
    });
    expect(result).toMatchObject({
      requirements: ['torch==2.1.1+cpu', 'numpy==1.26.4'],
      pipOptions: ['--extra-index-url https://download.pytorch.org/whl/cpu'],
    });
  });

  it('says when nothing had to change', async () => {
    expect(summary(await run(validated(['numpy'])))).toBe(
      'python 3.11, flwr 1.42.0, pip on docker.io/library/python:3.11-slim; no changes needed',
    );
  });

  it('follows --torch-cuda and the base image validate chose', async () => {
    const result = await run(validated(['torch==2.1.1'], '3.11', 'registry.local/python:3.11'), ['--torch-cuda']);
    expect([result.requirements, result.pipOptions, result.baseImage]).toEqual([
      ['torch==2.1.1'],
      [],
      'registry.local/python:3.11',
    ]);
  });

  it('refuses what cannot work as DEPENDENCY_REFUSED, with the refusal code as the reason', async () => {
    const failure = await run(validated(['tensorflow==2.12.1'], '3.12')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PhaseError);
    expect(failure).toMatchObject({ code: 'DEPENDENCY_REFUSED', reason: 'FRAMEWORK_PYTHON' });
  });
});
