// trained_model phase 1: find out whether the image exists, then download the model the run logged.

import { join } from 'node:path';
import type { TrainedModelConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import { findCurrentImages } from '../images/existing-image.js';
import { type TrainedModelImage, trainedModelImageName } from '../images/image-names.js';
import type { TrainedModelJob } from '../job.js';
import { platformNames } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { MlflowClient, MlflowError, type MlflowRun } from '../tools/mlflow-api.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** Where the winner model is logged: the artifact path upstream's aggregator uses, and ours. */
export const MODEL_ARTIFACT_PATH = 'logged_model_artifact';

/** The downloaded model, the image it becomes, and that image if the registry has it already. */
export interface FetchResult {
  readonly image: TrainedModelImage;
  readonly existing: RemoteImage | undefined;
  /** The model's folder (holding MLmodel); undefined when the image exists and nothing was fetched. */
  readonly modelDir: string | undefined;
  readonly run: MlflowRun | undefined;
  readonly files: number;
  readonly bytes: number;
}

export const fetchModelPhase: PhaseBehaviour<FetchResult, TrainedModelConfig> = {
  failureCode: 'MODEL_FETCH_FAILED',
  describe: (result) => ({
    summary: result.existing
      ? `${result.image.reference} is already in the registry`
      : `fetched ${MODEL_ARTIFACT_PATH} of run ${result.run?.runId ?? ''}: ${result.files} files, ${Math.round(result.bytes / 1024)} KiB`,
    image: result.image.reference,
    files: result.files,
    bytes: result.bytes,
  }),
  skipRest: (result, job) =>
    result.existing
      ? `the serving image of run ${job.config.runId} made by builder ${job.builderVersion} is already in the registry`
      : undefined,
};

/** Looks up the image, then the run, and downloads every file of its logged model. */
export async function fetchModel(job: TrainedModelJob, log: Logger): Promise<FetchResult> {
  const { config } = job;
  const image = trainedModelImageName(config.registry.hostPort, config.customerId, config.runId);
  const [existing] = config.dryRun
    ? [undefined]
    : await findCurrentImages(job, [image.repository], image.tag, {
        mlModelFlavor: 'any',
        platforms: platformNames(config.platforms),
      });
  if (existing) return { image, existing, modelDir: undefined, run: undefined, files: 0, bytes: 0 };

  const client = new MlflowClient(config.trackingUri, job.extraCa, job.signal);
  try {
    const run = await client.getRun(config.runId);
    const modelDir = join(job.workdir, 'model');
    const files = await fetchFiles(client, run, modelDir, trackingServer(job));
    const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    log.info({ run_id: run.runId, files: files.length, bytes }, 'Fetched the model');
    return { image, existing: undefined, modelDir, run, files: files.length, bytes };
  } catch (error) {
    throw fetchError(error, job);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * MLflow 2 keeps the model among the run's artifacts, under MODEL_ARTIFACT_PATH; MLflow 3 logs it as a LoggedModel
 * of that name whose source run is the run, with files of its own.
 */
async function fetchFiles(client: MlflowClient, run: MlflowRun, modelDir: string, server: string) {
  const files = await client.listArtifacts(run.runId, MODEL_ARTIFACT_PATH);
  if (files.some((file) => file.path === `${MODEL_ARTIFACT_PATH}/MLmodel`)) {
    for (const file of files) await client.download(run.runId, file, MODEL_ARTIFACT_PATH, modelDir);
    return files;
  }
  const modelId = await client.findLoggedModel(run, MODEL_ARTIFACT_PATH);
  const modelFiles = modelId === undefined ? [] : await client.listLoggedModelFiles(modelId);
  if (modelId === undefined || !modelFiles.some((file) => file.path === 'MLmodel')) {
    throw new PhaseError(
      'MODEL_NOT_FOUND',
      `run ${run.runId} on ${server} has no model under ${MODEL_ARTIFACT_PATH} (no ${MODEL_ARTIFACT_PATH}/MLmodel among its artifacts, and no MLflow 3 logged model of that name from this run); the aggregator logs the winner model there when training succeeds with a model flavor set`,
    );
  }
  for (const file of modelFiles) await client.downloadLoggedModelFile(modelId, file, modelDir);
  return modelFiles;
}

function fetchError(error: unknown, job: TrainedModelJob): unknown {
  if (!(error instanceof MlflowError)) return error;
  const server = trackingServer(job);
  switch (error.kind) {
    case 'not-found':
      return new PhaseError(
        'RUN_NOT_FOUND',
        `the MLflow tracking server at ${server} has no run ${job.config.runId}; check the run id (the aggregator reports it as run_id)`,
        { cause: error },
      );
    case 'unreachable':
      return new PhaseError('TRACKING_SERVER_UNREACHABLE', `${error.message}; check the tracking_server_uri`, {
        cause: error,
      });
    case 'protocol':
      return new PhaseError('MODEL_FETCH_FAILED', error.message, { cause: error });
  }
}

function trackingServer(job: TrainedModelJob): string {
  const url = new URL(job.config.trackingUri.href);
  url.username = '';
  url.password = '';
  return url.origin;
}
