// Phase 3: make the repo's dependencies fit FL (no mlflow, CPU torch, one Flower that fits its pins), or refuse with why.

import { DEFAULT_CONDA_BASE_IMAGE } from '../config/defaults.js';
import type { EnvSpec } from '../deps/env-spec.js';
import { type DependencyPlan, DependencyRefusal, type PlanPurpose, planDependencies } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import type { PhaseBehaviour } from './phase.js';

/** The dependency set the images are built with, and every change made to get there. */
export type PatchResult = DependencyPlan;

/** What patch reads: the environment validate found and the python it chose. */
export interface PatchInput {
  readonly env: EnvSpec;
  readonly python: string;
  /** The pip path's base image validate chose with the python (--base-image filled); undefined: python:X.Y-slim. */
  readonly baseImage: string | undefined;
  /** Top-level modules the repo's code imports. */
  readonly imports: readonly string[];
  /** FL images (the repo's requirements) or a trained model's serving image (the model's). */
  readonly purpose: PlanPurpose;
}

export const patchPhase: PhaseBehaviour<PatchResult> = {
  failureCode: 'DEPENDENCY_REFUSED',
  describe: (result) => ({
    summary: summary(result),
    patches: result.patches,
    python_version: result.python,
    flwr_version: result.flwrVersion ?? null,
    base_image: result.baseImage,
    installer: result.installer,
    runtime_pins: result.runtimePins,
    aggregator_pins: result.aggregatorPins,
  }),
};

/** The observer's line: what the images get, then each change. */
export function summary(result: PatchResult): string {
  const flower = result.flwrVersion === undefined ? '' : `, flwr ${result.flwrVersion}`;
  const head = `python ${result.python}${flower}, ${result.installer} on ${result.baseImage}`;
  if (result.patches.length === 0) return `${head}; no changes needed`;
  const count = result.patches.length === 1 ? '1 change' : `${result.patches.length} changes`;
  return `${head}; ${count}: ${result.patches.join('; ')}`;
}

/** Plans the images' dependencies; a refusal fails the phase with its own reason code. */
export async function patch(job: Job, { env, python, baseImage, imports, purpose }: PatchInput): Promise<PatchResult> {
  try {
    return planDependencies(env, {
      python,
      architecture: job.architecture,
      torchCuda: job.config.torchCuda,
      baseImage,
      condaBaseImage: job.config.condaBaseImage ?? DEFAULT_CONDA_BASE_IMAGE,
      purpose,
      imports,
    });
  } catch (error) {
    if (!(error instanceof DependencyRefusal)) throw error;
    throw new PhaseError('DEPENDENCY_REFUSED', error.message, { cause: error, reason: error.code });
  }
}
