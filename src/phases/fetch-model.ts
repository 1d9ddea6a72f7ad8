// trained_model phase 1: find out whether the image exists, then download the model the run logged (or a registered
// model's version), through the tracking server's artifact proxy or, where the run's artifacts are in S3, from S3.

import { join } from 'node:path';
import type { TrainedModelConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import { findCurrentImages } from '../images/existing-image.js';
import { type TrainedModelImage, trainedModelImageName } from '../images/image-names.js';
import type { TrainedModelJob } from '../job.js';
import { platformNames } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { downloadS3Folder } from '../sources/s3-folder.js';
import { SourceError } from '../sources/source-error.js';
import { MlflowClient, MlflowError, type MlflowRun } from '../tools/mlflow-api.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** Where the winner model is logged: the artifact path upstream's aggregator uses, and ours. */
export const MODEL_ARTIFACT_PATH = 'logged_model_artifact';
// A model read from S3 directly may hold at most this much; the proxy's downloads have no limit of their own.
const MODEL_MAX_BYTES = 20 * 1024 ** 3;

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
  const image = trainedModelImageName(config.registry.hostPort, config.customerId, config.imageTag);
  const [existing] = config.dryRun
    ? [undefined]
    : await findCurrentImages(job, [image.repository], image.tag, {
        mlModelFlavor: 'any',
        platforms: platformNames(config.platforms),
      });
  if (existing) return { image, existing, modelDir: undefined, run: undefined, files: 0, bytes: 0 };

  const client = new MlflowClient(config.trackingUri, job.extraCa, job.signal);
  try {
    const { run, path } = await findModel(client, job);
    const modelDir = join(job.workdir, 'model');
    if (run.artifactUri.startsWith('s3://')) {
      // The server does not serve these artifacts (--no-serve-artifacts): read them where its clients wrote them.
      const uri = `${run.artifactUri.replace(/\/+$/, '')}/${path}`;
      const got = await downloadS3Folder({
        settings: config.s3,
        uri,
        dest: modelDir,
        maxBytes: MODEL_MAX_BYTES,
        extraCa: job.extraCa,
        signal: job.signal,
      });
      if (!got.files.includes('MLmodel')) throw noModel(run, path, trackingServer(job), 'in S3');
      log.info(
        { run_id: run.runId, files: got.files.length, bytes: got.bytes, from: uri },
        'Fetched the model from S3',
      );
      return { image, existing: undefined, modelDir, run, files: got.files.length, bytes: got.bytes };
    }
    const files = await fetchFiles(client, run, path, modelDir, trackingServer(job));
    const bytes = files.reduce((sum, file) => sum + file.bytes, 0);
    log.info({ run_id: run.runId, files: files.length, bytes }, 'Fetched the model');
    return { image, existing: undefined, modelDir, run, files: files.length, bytes };
  } catch (error) {
    if (error instanceof SourceError) throw new PhaseError(error.code, error.message, { cause: error });
    throw fetchError(error, job);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * MLflow 2 keeps the model among the run's artifacts, under `path`; MLflow 3 logs it as a LoggedModel of that name
 * whose source run is the run, with files of its own.
 */
async function fetchFiles(client: MlflowClient, run: MlflowRun, path: string, modelDir: string, server: string) {
  const files = await client.listArtifacts(run.runId, path);
  if (files.some((file) => file.path === `${path}/MLmodel`)) {
    for (const file of files) await client.download(run.runId, file, path, modelDir);
    return files;
  }
  const modelId = await client.findLoggedModel(run, path);
  const modelFiles = modelId === undefined ? [] : await client.listLoggedModelFiles(modelId);
  if (modelId === undefined || !modelFiles.some((file) => file.path === 'MLmodel')) {
    throw noModel(run, path, server, 'among its artifacts, and no MLflow 3 logged model of that name from this run');
  }
  for (const file of modelFiles) await client.downloadLoggedModelFile(modelId, file, modelDir);
  return modelFiles;
}

function noModel(run: MlflowRun, path: string, server: string, where: string): PhaseError {
  return new PhaseError(
    'MODEL_NOT_FOUND',
    `run ${run.runId} on ${server} has no model under ${path} (no ${path}/MLmodel ${where}); the aggregator logs the winner model there when training succeeds with a model flavor set`,
  );
}

/** The run and the artifact path of its model: the run id's own, or those a registered version names. */
async function findModel(client: MlflowClient, job: TrainedModelJob): Promise<{ run: MlflowRun; path: string }> {
  const registered = job.config.registeredModel;
  if (registered === undefined) return { run: await client.getRun(job.config.runId), path: MODEL_ARTIFACT_PATH };
  let version: { runId: string; source: string };
  try {
    version = await client.getModelVersion(registered.name, registered.version);
  } catch (error) {
    if (!(error instanceof MlflowError) || error.kind !== 'not-found') throw error;
    throw new PhaseError(
      'MODEL_VERSION_NOT_FOUND',
      `the MLflow tracking server at ${trackingServer(job)} has no version ${registered.version} of the registered model "${registered.name}"; check the name and version`,
      { cause: error },
    );
  }
  const run = await client.getRun(version.runId);
  return { run, path: artifactPath(version.source, run) };
}

/** The model's path among the run's artifacts, from a version's source (`runs:/<id>/<path>` or an absolute URI). */
export function artifactPath(source: string, run: MlflowRun): string {
  const fromRuns = /^runs:\/[^/]+\/(.+)$/.exec(source)?.[1];
  const root = run.artifactUri.replace(/\/+$/, '');
  const below = source.startsWith(`${root}/`) ? source.slice(root.length + 1) : undefined;
  const path = (fromRuns ?? below ?? MODEL_ARTIFACT_PATH).replace(/\/+$/, '');
  return path.split('/').some((part) => part === '..' || part === '') ? MODEL_ARTIFACT_PATH : path;
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
