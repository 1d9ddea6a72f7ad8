// trained_model with the model in S3 (moto's server): from an MLflow 2.x server that proxies an S3 artifact store,
// from one whose clients read and write S3 themselves (--no-serve-artifacts), and from a registered model's version.
// Each serving image answers a prediction.

import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerTopics } from '../../src/report/messages.js';
import { buildah, imageConfig } from '../helpers/buildah.js';
import { type ImageProcess, type ImageRun, startInImage } from '../helpers/image-process.js';
import { freePort } from '../helpers/ports.js';
import {
  type MlflowServer,
  type PythonServer,
  type S3Server,
  startMlflowServer,
  startS3Server,
} from '../helpers/python-servers.js';
import { runBuilder } from '../helpers/run-builder.js';
import { type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const BUILD_TIMEOUT = 40 * 60_000;
/** The venv mlflow_server.py makes for S3 artifact stores (mlflow 2.x with boto3): it logs the models too. */
const MODEL_NAME = 'Digits Model';

// Logs a small scikit-learn model under logged_model_artifact, as the aggregator does; registers it when asked.
const LOG_MODEL = `
import sys, mlflow, numpy as np
from sklearn.linear_model import LinearRegression
mlflow.set_tracking_uri(sys.argv[1])
X = np.array([[0, 0, 0, 0], [1, 1, 1, 1], [2, 0, 1, 0]], dtype=float)
model = LinearRegression().fit(X, X.sum(axis=1))
with mlflow.start_run() as run:
    # MLflow 2.x's scoring server uses Starlette's route decorator, which Starlette 1.0 removed.
    mlflow.sklearn.log_model(model, "logged_model_artifact", extra_pip_requirements=["starlette<1"])
if len(sys.argv) > 2:
    mlflow.register_model(f"runs:/{run.info.run_id}/logged_model_artifact", sys.argv[2])
print(run.info.run_id, run.info.artifact_uri)
`;

describe('trained_model from models kept in S3', () => {
  let services: PipelineServices;
  let s3: S3Server;
  let proxied: MlflowServer;
  let direct: MlflowServer;
  let tmp: string;
  let s3Env: Record<string, string>;
  const running: ImageProcess[] = [];
  const runs = { proxied: '', direct: '' };

  beforeAll(async () => {
    services = await startPipelineServices();
    // moto's key check refuses the listings MLflow and the builder make (see s3_server.py); the sources test checks keys.
    s3 = await startS3Server({ anyKey: true });
    tmp = await makeTempDir('models-s3');
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    for (const bucket of ['mlflow-proxied', 'mlflow-direct'])
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    s3Env = {
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      MLFLOW_S3_ENDPOINT_URL: s3.url,
    };
    proxied = await startMlflowServer(join(tmp, 'proxied'), undefined, {
      uri: 's3://mlflow-proxied/artifacts',
      direct: false,
      env: s3Env,
    });
    direct = await startMlflowServer(join(tmp, 'direct'), undefined, {
      uri: 's3://mlflow-direct/artifacts',
      direct: true,
      env: s3Env,
    });
    const log = async (server: MlflowServer, register?: string) => {
      const { stdout } = await execa(server.python, ['-c', LOG_MODEL, server.url, ...(register ? [register] : [])], {
        env: { ...s3Env, GIT_PYTHON_REFRESH: 'quiet' },
        timeout: 300_000,
      });
      return String(stdout).trim().split('\n').at(-1)?.split(' ') ?? [];
    };
    const [proxiedRun = '', proxiedRoot] = await log(proxied);
    const [directRun = '', directRoot] = await log(direct, MODEL_NAME);
    // The two modes as MLflow reports them: proxied artifacts by the proxy's scheme, direct ones in S3.
    expect(proxiedRoot).toMatch(/^mlflow-artifacts:/);
    expect(directRoot).toMatch(/^s3:\/\/mlflow-direct\//);
    runs.proxied = proxiedRun;
    runs.direct = directRun;
  }, 900_000);

  afterAll(async () => {
    for (const server of running) await server.remove().catch(() => undefined);
    await direct?.stop();
    await proxied?.stop();
    await s3?.stop();
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** Builds the serving image of `runId` on `server`, checks its name, then runs it and asks for a prediction. */
  async function buildsAndPredicts(
    server: PythonServer,
    runId: string,
    tag: string,
    projectId: string,
    env: Record<string, string> = {},
  ): Promise<void> {
    const build = await runBuilder(
      [
        services.registry.url,
        projectId,
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        '--supported_platforms=linux/amd64',
        '--base-image',
        services.baseImage,
        '--ca-cert',
        MACHINE_CA_BUNDLE,
        '--label',
        'team=serving',
        'trained_model',
        'S3-Customer',
        server.url,
        runId,
      ],
      env,
      BUILD_TIMEOUT,
    );
    expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
    const success = (
      await services.mqtt.waitFor(
        (m) => m.topic === managerTopics('trained_model').success && m.json().flops_project_id === projectId,
      )
    ).json();
    const image = `${services.registry.hostPort}/s3-customer/trained_model:${tag}`;
    expect(success.trained_model_image.reference).toBe(image);
    expect(await services.registry.getConfigLabels('s3-customer/trained_model', tag)).toMatchObject({
      team: 'serving',
    });
    const printed = [build.stdout, build.stderr, ...services.mqtt.messages.map((m) => m.payload)].join('\n');
    expect(printed).not.toContain(s3.credentials.secretAccessKey);

    await buildah(['pull', '--tls-verify=false', '--quiet', image], 600_000);
    const { Entrypoint = [] } = await imageConfig(image);
    const port = await freePort();
    const command = Entrypoint.map((arg, at) => (Entrypoint[at - 1] === '--port' ? String(port) : arg));
    const serving = await startInImage(image, command);
    running.push(serving);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/ping`, 180_000, serving);
    const response = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          [0, 0, 0, 0],
          [1, 1, 1, 1],
        ],
      }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const { predictions } = (await response.json()) as { predictions: number[] };
    expect(predictions).toHaveLength(2);
    expect(predictions[1]).toBeCloseTo(4, 3);
    await serving.terminate().catch(() => undefined);
  }

  it(
    'serves the model of a run whose artifacts the tracking server proxies to S3',
    () => buildsAndPredicts(proxied, runs.proxied, runs.proxied, 'model-proxied'),
    BUILD_TIMEOUT,
  );

  it(
    'serves the model of a run whose artifacts are in S3 itself (--no-serve-artifacts), read with the AWS variables',
    () => buildsAndPredicts(direct, runs.direct, runs.direct, 'model-direct', s3Env),
    BUILD_TIMEOUT,
  );

  it(
    'serves a registered model version named models:/<name>/<version>, tagged <name>-v<version>',
    () => buildsAndPredicts(direct, `models:/${MODEL_NAME}/1`, 'digits-model-v1', 'model-registered', s3Env),
    BUILD_TIMEOUT,
  );

  it('fails with MODEL_VERSION_NOT_FOUND for a version the registry does not have', async () => {
    const build = await runBuilder(
      [
        services.registry.url,
        'model-missing',
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        'trained_model',
        'S3-Customer',
        direct.url,
        `models:/${MODEL_NAME}/9`,
      ],
      s3Env,
      120_000,
    );
    expect(build.exitCode).toBe(17);
    const failed = (
      await services.mqtt.waitFor(
        (m) => m.topic === managerTopics('trained_model').failed && m.json().flops_project_id === 'model-missing',
      )
    ).json();
    expect(failed).toMatchObject({ code: 'MODEL_VERSION_NOT_FOUND', phase: 'fetch' });
  }, 180_000);
});

/** Polls `url` until it answers 200; fails early when the image's process has ended. */
async function waitForHttp(url: string, timeoutMs: number, process: ImageProcess): Promise<void> {
  let ended: ImageRun | undefined;
  void process.finished.then((run) => {
    ended = run;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ended) throw new Error(`the server ended (exit ${ended.exitCode}): ${ended.output.slice(-3000)}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
