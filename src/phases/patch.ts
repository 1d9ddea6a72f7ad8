// Phase 3: make the repo's dependencies fit FL (no mlflow, CPU torch, one Flower that fits its pins), or refuse with why.

import { PAHO_MQTT_VERSION } from '../deps/flwr-releases.js';
import { type DependencyPlan, DependencyRefusal, planDependencies } from '../deps/plan.js';
import { PipelineError } from '../errors.js';
import type { Job } from '../job.js';
import { type Done, need, type PhaseDefinition } from './phase.js';

/** The dependency set the images are built with, and every change made to get there. */
export interface PatchResult extends DependencyPlan {
  readonly pahoMqttVersion: string;
}

export const patchPhase: PhaseDefinition<'patch'> = {
  name: 'patch',
  failureCode: 'DEPENDENCY_REFUSED',
  run: patch,
  describe: (result) => ({
    summary: summary(result),
    patches: result.patches,
    python_version: result.python,
    flwr_version: result.flwrVersion,
    base_image: result.baseImage,
    installer: result.installer,
  }),
};

/** The observer's line: what the images get, then each change. */
export function summary(result: PatchResult): string {
  const head = `python ${result.python}, flwr ${result.flwrVersion}, ${result.installer} on ${result.baseImage}`;
  if (result.patches.length === 0) return `${head}; no changes needed`;
  const count = result.patches.length === 1 ? '1 change' : `${result.patches.length} changes`;
  return `${head}; ${count}: ${result.patches.join('; ')}`;
}

async function patch(job: Job, done: Done): Promise<PatchResult> {
  const { env, python } = need(done, 'validate');
  try {
    const plan = planDependencies(env, {
      python,
      architecture: job.architecture,
      torchCuda: job.config.torchCuda,
      baseImage: job.config.baseImage,
      condaBaseImage: job.config.condaBaseImage,
    });
    return { ...plan, pahoMqttVersion: PAHO_MQTT_VERSION };
  } catch (error) {
    if (!(error instanceof DependencyRefusal)) throw error;
    throw new PipelineError('DEPENDENCY_REFUSED', 'patch', error.message, { cause: error });
  }
}
