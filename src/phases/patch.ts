// Phase 3: make the repo's dependencies fit FL: no mlflow, one pinned Flower, a base image for its python.

import { requirementName } from '../deps/requirement-name.js';
import { PAHO_MQTT_VERSION, flwrFor } from '../deps/flwr-releases.js';
import type { Job } from '../job.js';
import { need, type Done, type PhaseDefinition } from './phase.js';

/** The dependency set the images are built with, and every change made to get there. */
export interface PatchResult {
  readonly python: string;
  readonly baseImage: string;
  readonly flwrVersion: string;
  readonly pahoMqttVersion: string;
  /** The repo's requirements after patching, for the base image's requirements.txt. */
  readonly requirements: readonly string[];
  /** One readable line per change, with its reason. */
  readonly patches: readonly string[];
}

/** The conda environment name used in every image, whatever the export called it. */
export const CONDA_ENV_NAME = 'flops';

const REMOVED: Readonly<Record<string, string>> = {
  mlflow: 'a learner must not report to a tracking server: that would break FL\'s privacy promise',
  'mlflow-skinny': 'a learner must not report to a tracking server: that would break FL\'s privacy promise',
  flwr: 'the builder installs one Flower release shared by learner and aggregator',
  'paho-mqtt': 'the builder installs the paho-mqtt its FL components are tested with',
};

export const patchPhase: PhaseDefinition<'patch'> = {
  name: 'patch',
  failureCode: 'DEPENDENCY_REFUSED',
  run: patch,
  describe: (result) => ({
    summary: result.patches.length > 0 ? result.patches.join('; ') : 'no changes needed',
    patches: result.patches,
    python_version: result.python,
    flwr_version: result.flwrVersion,
    base_image: result.baseImage,
  }),
};

async function patch(job: Job, done: Done): Promise<PatchResult> {
  const { env, python } = need(done, 'validate');
  const patches: string[] = [];
  const requirements = env.requirements.filter((requirement) => {
    const name = requirementName(requirement);
    const reason = name === undefined ? undefined : REMOVED[name];
    if (reason) patches.push(`removed ${requirement}: ${reason}`);
    return reason === undefined;
  });
  if (env.convertedCondaPackages.length > 0) {
    patches.push(`installed the conda packages ${env.convertedCondaPackages.join(', ')} with pip: the images use pip on a slim python base`);
  }
  if (env.condaName !== undefined && env.condaName !== CONDA_ENV_NAME) {
    patches.push(`renamed the conda environment "${env.condaName}" to "${CONDA_ENV_NAME}"`);
  }
  const flwrVersion = flwrFor(python);
  return {
    python,
    baseImage: job.config.baseImage ?? `docker.io/library/python:${python}-slim`,
    flwrVersion,
    pahoMqttVersion: PAHO_MQTT_VERSION,
    requirements,
    patches,
  };
}
