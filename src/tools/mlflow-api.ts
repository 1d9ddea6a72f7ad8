// The few calls of MLflow's REST API the trained_model plan needs (undici): a run, its artifacts, their bytes, and for
// MLflow 3 the run's LoggedModel and its files (MLflow 3 keeps models outside the run's artifacts).

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import pRetry from 'p-retry';
import { Agent, type Dispatcher, request } from 'undici';

/** Why the tracking server could not give what was asked. */
export class MlflowError extends Error {
  override readonly name = 'MlflowError';
  constructor(
    readonly kind: 'unreachable' | 'not-found' | 'protocol',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** A run as the tracking server describes it. */
export interface MlflowRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly artifactUri: string;
  readonly status: string;
}

/** What the search of LoggedModels answers of each. */
interface LoggedModelInfo {
  readonly model_id?: string;
  readonly name?: string;
  readonly source_run_id?: string;
  readonly status?: string;
  readonly creation_timestamp_ms?: number | string;
}

/** One file under a run's artifacts. */
export interface ArtifactFile {
  /** Relative to the run's artifact root, e.g. `logged_model_artifact/MLmodel`. */
  readonly path: string;
  readonly bytes: number;
}

/** Retries of a call that failed for now (network, 5xx): 1, 2, then 4 s. */
export const MLFLOW_RETRY = Object.freeze({
  retries: 3,
  factor: 2,
  minTimeout: 1000,
  maxTimeout: 8000,
  randomize: false,
});

// A run id goes into URLs; the config checks it, and this keeps any other caller honest.
const PATH_PART = /^[A-Za-z0-9_.-]+$/;

/** A client of one tracking server; credentials in the URL's user info go in an Authorization header. */
export class MlflowClient {
  private readonly base: string;
  private readonly authorization: string | undefined;
  private readonly dispatcher: Dispatcher;

  constructor(
    trackingUri: URL,
    extraCaPem: string | undefined,
    private readonly signal: AbortSignal,
    private readonly timeoutMs = 30_000,
  ) {
    const url = new URL(trackingUri.href);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.authorization = user ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;
    url.username = '';
    url.password = '';
    this.base = url.href.replace(/\/+$/, '');
    this.dispatcher = new Agent({
      connect: { ca: extraCaPem ? [...rootCertificates, extraCaPem] : undefined, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** The run, or MlflowError 'not-found' when the server has none of that id. */
  async getRun(runId: string): Promise<MlflowRun> {
    if (!PATH_PART.test(runId)) throw new MlflowError('not-found', `"${runId}" is not a run id`);
    const body = (await this.json(`/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`, `run ${runId}`)) as {
      run?: { info?: { run_id?: string; experiment_id?: string; artifact_uri?: string; status?: string } };
    };
    const info = body.run?.info;
    if (info?.run_id === undefined || info.artifact_uri === undefined) {
      throw new MlflowError(
        'protocol',
        `the tracking server answered for run ${runId} without its id or artifact root`,
      );
    }
    return {
      runId: info.run_id,
      experimentId: info.experiment_id ?? '',
      artifactUri: info.artifact_uri,
      status: info.status ?? '',
    };
  }

  /** A registered model's version: the run that logged it and where its files are (`source`). */
  async getModelVersion(name: string, version: string): Promise<{ runId: string; source: string }> {
    const query = `name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}`;
    const what = `model "${name}" version ${version}`;
    const body = (await this.json(`/api/2.0/mlflow/model-versions/get?${query}`, what)) as {
      model_version?: { run_id?: string; source?: string };
    };
    const found = body.model_version;
    if (!found?.run_id || !PATH_PART.test(found.run_id) || found.source === undefined) {
      throw new MlflowError('protocol', `the tracking server answered for ${what} without its run or source`);
    }
    return { runId: found.run_id, source: found.source };
  }

  /** Every file under `path` of the run's artifacts, folders walked; empty when there is nothing there. */
  async listArtifacts(runId: string, path: string): Promise<ArtifactFile[]> {
    const query = `run_id=${encodeURIComponent(runId)}&path=${encodeURIComponent(path)}`;
    const body = (await this.json(`/api/2.0/mlflow/artifacts/list?${query}`, `the artifacts of run ${runId}`)) as {
      files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
    };
    const files: ArtifactFile[] = [];
    for (const entry of body.files ?? []) {
      if (entry.is_dir === true) files.push(...(await this.listArtifacts(runId, entry.path)));
      else files.push({ path: entry.path, bytes: Number(entry.file_size ?? 0) });
    }
    return files;
  }

  /**
   * Writes one artifact file below `destDir` (at its path relative to `root`). `get-artifact` serves plain and
   * proxied (`mlflow-artifacts:`) artifact roots alike.
   */
  async download(runId: string, file: ArtifactFile, root: string, destDir: string): Promise<void> {
    const query = `path=${encodeURIComponent(file.path)}&run_id=${encodeURIComponent(runId)}`;
    await this.save(`/get-artifact?${query}`, file.path, root, destDir);
  }

  /**
   * The id of the newest ready LoggedModel named `name` whose source run is `run` (MLflow 3); undefined when there is
   * none, or when the server is MLflow 2 and has no LoggedModels at all.
   */
  async findLoggedModel(run: MlflowRun, name: string): Promise<string | undefined> {
    const body = JSON.stringify({
      experiment_ids: [run.experimentId],
      filter: `name = '${name}' AND source_run_id = '${run.runId}'`,
    });
    let found: { models?: { info?: LoggedModelInfo }[] };
    try {
      found = (await this.call(
        '/api/2.0/mlflow/logged-models/search',
        `the logged models of run ${run.runId}`,
        (r) => r.body.json(),
        { method: 'POST', body },
      )) as typeof found;
    } catch (error) {
      // MLflow 2 answers 404 (no such endpoint): it keeps models among the run's artifacts only.
      if (error instanceof MlflowError && error.kind === 'not-found') return undefined;
      throw error;
    }
    const ready = (found.models ?? [])
      .map((model) => model.info)
      .filter((info): info is LoggedModelInfo => info?.model_id !== undefined && info.status !== 'LOGGED_MODEL_FAILED')
      .filter((info) => info.name === name && info.source_run_id === run.runId);
    ready.sort((a, b) => Number(b.creation_timestamp_ms ?? 0) - Number(a.creation_timestamp_ms ?? 0));
    return ready[0]?.model_id;
  }

  /** Every file of a LoggedModel below `path` ('' for all), folders walked; paths relative to the model's root. */
  async listLoggedModelFiles(modelId: string, path = ''): Promise<ArtifactFile[]> {
    if (!PATH_PART.test(modelId)) throw new MlflowError('not-found', `"${modelId}" is not a logged model id`);
    const query = path === '' ? '' : `?artifact_directory_path=${encodeURIComponent(path)}`;
    const url = `/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/directories${query}`;
    const body = (await this.json(url, `the files of logged model ${modelId}`)) as {
      files?: { path: string; is_dir?: boolean; file_size?: number | string }[];
    };
    const files: ArtifactFile[] = [];
    for (const entry of body.files ?? []) {
      if (entry.is_dir === true) files.push(...(await this.listLoggedModelFiles(modelId, entry.path)));
      else files.push({ path: entry.path, bytes: Number(entry.file_size ?? 0) });
    }
    return files;
  }

  /** Writes one file of a LoggedModel below `destDir`, at its path in the model. */
  async downloadLoggedModelFile(modelId: string, file: ArtifactFile, destDir: string): Promise<void> {
    const query = `artifact_file_path=${encodeURIComponent(file.path)}`;
    await this.save(`/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?${query}`, file.path, '', destDir);
  }

  private async save(url: string, path: string, root: string, destDir: string): Promise<void> {
    const relative = normalize(path.slice(root.length).replace(/^\/+/, ''));
    if (relative.startsWith('..') || relative.startsWith('/')) {
      throw new MlflowError(
        'protocol',
        `the tracking server listed an artifact outside ${root || 'the model'}: ${path}`,
      );
    }
    const target = join(destDir, relative);
    await mkdir(dirname(target), { recursive: true });
    await this.call(url, `artifact ${path}`, async (response) => {
      await pipeline(response.body, createWriteStream(target, { mode: 0o644 }));
    });
  }

  /** Releases the connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private json(path: string, what: string): Promise<unknown> {
    return this.call(path, what, (response) => response.body.json());
  }

  /** One call (a GET unless `post`), retried while the server or network fails for now; 404 (and MLflow's not-found 400) are not. */
  private call<T>(
    path: string,
    what: string,
    read: (response: Dispatcher.ResponseData) => Promise<T>,
    post?: { method: 'POST'; body: string },
  ): Promise<T> {
    const attempt = async (): Promise<T> => {
      let response: Dispatcher.ResponseData;
      try {
        response = await request(`${this.base}${path}`, {
          dispatcher: this.dispatcher,
          method: post?.method ?? 'GET',
          body: post?.body,
          headers: {
            ...(this.authorization ? { authorization: this.authorization } : {}),
            ...(post ? { 'content-type': 'application/json' } : {}),
          },
          signal: AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
      } catch (error) {
        throw new MlflowError(
          'unreachable',
          `cannot reach the MLflow tracking server at ${this.base}: ${describe(error)}`,
          {
            cause: error,
          },
        );
      }
      if (response.statusCode === 200) return read(response);
      const text = await response.body.text().catch(() => '');
      const code = /"error_code"\s*:\s*"([A-Z_]+)"/.exec(text)?.[1];
      if (response.statusCode === 404 || code === 'RESOURCE_DOES_NOT_EXIST') {
        throw new MlflowError('not-found', `the tracking server at ${this.base} has no ${what}`);
      }
      const kind = response.statusCode >= 500 || response.statusCode === 429 ? 'unreachable' : 'protocol';
      throw new MlflowError(
        kind,
        `the tracking server at ${this.base} answered HTTP ${response.statusCode} for ${what}${code ? ` (${code})` : ''}`,
      );
    };
    return pRetry(attempt, {
      ...MLFLOW_RETRY,
      signal: this.signal,
      shouldRetry: ({ error }) => error instanceof MlflowError && error.kind === 'unreachable' && !this.signal.aborted,
    });
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
