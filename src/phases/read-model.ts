// trained_model phase 2: read the model's MLmodel, its requirements and python, and refuse what cannot be served.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TrainedModelConfig } from '../config/config.js';
import { readEnvFile } from '../deps/env-file.js';
import { EnvFileError, type EnvSpec } from '../deps/env-spec.js';
import { PhaseError } from '../errors.js';
import { choosePythonAndBase } from '../images/python-and-base.js';
import type { TrainedModelJob } from '../job.js';
import type { PhaseBehaviour } from './phase.js';

/** What the model needs to be served. */
export interface ModelResult {
  readonly env: EnvSpec;
  /** `major.minor`. */
  readonly python: string;
  /** --base-image, its template filled with the python; undefined: the default for the python. */
  readonly baseImage: string | undefined;
  /** The flavor the model was logged with (`sklearn`…), beside python_function. */
  readonly flavor: string | undefined;
  readonly mlflowVersion: string | undefined;
}

interface MLmodel {
  readonly flavors?: Record<string, unknown>;
  readonly mlflow_version?: string;
}

// MLflow records a model's environment both ways; the pip form keeps the slim base image.
const ENV_FILES = ['python_env.yaml', 'requirements.txt', 'conda.yaml'];

export const readModelPhase: PhaseBehaviour<ModelResult, TrainedModelConfig> = {
  failureCode: 'MODEL_INVALID',
  describe: (result) => ({
    summary: `${result.flavor ?? 'pyfunc'} model logged with MLflow ${result.mlflowVersion ?? '?'}, python ${result.python}, ${result.env.requirements.length} requirements in ${result.env.file}`,
    ml_model_flavor: result.flavor ?? null,
    python_version: result.python,
    mlflow_version: result.mlflowVersion ?? null,
  }),
};

/** Reads the model in `modelDir`; it must be servable by MLflow's scoring server (a python_function flavor). */
export async function readModel(job: TrainedModelJob, modelDir: string): Promise<ModelResult> {
  let mlmodel: MLmodel;
  try {
    mlmodel = (parse(await readFile(join(modelDir, 'MLmodel'), 'utf8')) ?? {}) as MLmodel;
  } catch (error) {
    throw new PhaseError('MODEL_INVALID', `the model's MLmodel file cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const flavors = Object.keys(mlmodel.flavors ?? {});
  if (!flavors.includes('python_function')) {
    throw new PhaseError(
      'MODEL_INVALID',
      `the model has no python_function flavor (it has ${flavors.join(', ') || 'none'}), so MLflow's scoring server cannot serve it; log it with mlflow.<flavor>.log_model`,
    );
  }
  const envFile = ENV_FILES.find((name) => existsSync(join(modelDir, name)));
  if (envFile === undefined) {
    throw new PhaseError(
      'MODEL_INVALID',
      `the model has none of ${ENV_FILES.join(', ')}: its requirements are unknown`,
    );
  }
  let env: EnvSpec;
  try {
    env = readEnvFile(modelDir, envFile);
  } catch (error) {
    if (!(error instanceof EnvFileError)) throw error;
    throw new PhaseError('MODEL_INVALID', `the model's ${error.message}`, { cause: error });
  }
  const choice = await choosePythonAndBase(job, env, "the model's ");
  return {
    env,
    python: choice.python,
    baseImage: choice.baseImage,
    flavor: flavors.find((name) => name !== 'python_function'),
    mlflowVersion: mlmodel.mlflow_version,
  };
}
