// Models logged by the MLflow releases a FLOps user meets, served from the image the trained_model plan builds:
// 2.12.1 (upstream's tracking server), 2.17.2, the newest 2.x, and the newest 3.x that installs (3.18.0's
// mlflow-tracing is not on the index). Each release logs, to a tracking server of its own version, an sklearn model
// as MLflow infers its requirements and a plain pyfunc model listing the same requirements, so that the pair shares
// one dependency image: one dependency build per release.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerTopics } from '../../src/report/messages.js';
import { buildah, imageConfig } from '../helpers/buildah.js';
import { type ImageProcess, type ImageRun, startInImage } from '../helpers/image-process.js';
import { freePort } from '../helpers/ports.js';
import { logModels, type MlflowServer, startMlflowServer } from '../helpers/python-servers.js';
import { runBuilder } from '../helpers/run-builder.js';
import { type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { FULL_TIER, fullTierIt } from '../helpers/tier.js';

// The core tier serves upstream's release and the newest 3.x; the full tier the two others too
// (test/helpers/tier.ts).
const CORE_VERSIONS = ['2.12.1', '3.17.2'] as const;
const FULL_VERSIONS = ['2.17.2', '2.22.5'] as const;
type Kind = 'sklearn' | 'pyfunc';
const casesOf = (versions: readonly string[]) =>
  versions.flatMap((version) => (['sklearn', 'pyfunc'] as const).map((kind) => ({ version, kind })));
const ROWS = [
  [1, 2, 3, 4],
  [-1, -2, -3, -5],
];

describe('models logged by each MLflow release serve from their image', () => {
  let services: PipelineServices;
  let tmp: string;
  const servers = new Map<string, MlflowServer>();
  const runs = new Map<string, { sklearn: string; pyfunc: string }>();
  const running: ImageProcess[] = [];

  beforeAll(async () => {
    services = await startPipelineServices();
    tmp = await makeTempDir('mlflow-models');
    // One release after the other: each first start installs a venv, and the machine is shared.
    for (const version of [...CORE_VERSIONS, ...(FULL_TIER ? FULL_VERSIONS : [])]) {
      const server = await startMlflowServer(join(tmp, version), version);
      servers.set(version, server);
      runs.set(version, await logModels(server));
    }
  }, 40 * 60_000);

  afterAll(async () => {
    await Promise.all(running.map((process) => process.remove()));
    for (const server of servers.values()) await server.stop();
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** Builds the serving image of `version`'s `kind` model, serves it and asks it for predictions. */
  async function servesItsModel({ version, kind }: { version: string; kind: Kind }): Promise<void> {
    const server = servers.get(version);
    const runId = runs.get(version)?.[kind] ?? '';
    expect(runId, `MLflow ${version} logged a ${kind} model`).toMatch(/^[0-9a-f]{32}$/);
    const project = `models-${version.replaceAll('.', '-')}-${kind}`;
    const build = await runBuilder(
      [
        'python3',
        'main.py',
        services.registry.url,
        project,
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        '--supported_platforms=linux/amd64',
        '--base-image',
        services.baseImage,
        '--ca-cert',
        MACHINE_CA_BUNDLE,
        'trained_model',
        'FLOps-Customer',
        server?.url ?? '',
        runId,
      ],
      {},
      30 * 60_000,
    );
    expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
    const success = services.mqtt.messages.find(
      (m) => m.topic === managerTopics('trained_model').success && m.json().flops_project_id === project,
    );
    const image = `${services.registry.hostPort}/flops-customer/trained_model:${runId}`;
    expect(success?.json().trained_model_image.reference).toBe(image);
    await buildah(['pull', '--tls-verify=false', '--quiet', image], 600_000);

    const { Entrypoint = [] } = await imageConfig(image);
    const port = await freePort();
    const command = Entrypoint.map((arg, at) => (Entrypoint[at - 1] === '--port' ? String(port) : arg));
    const process = await startInImage(image, command);
    running.push(process);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/ping`, 180_000, process);
    const response = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: ROWS }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const { predictions } = (await response.json()) as { predictions: number[] };
    // The pyfunc model sums each row; the classifier learnt whether a row's sum is positive.
    expect(predictions).toEqual(kind === 'pyfunc' ? [10, -11] : [1, 0]);
    const ended = await process.terminate().catch(() => undefined);
    expect(ended?.output ?? '').not.toContain('Permission denied');
  }

  const NAME = 'MLflow $version, $kind model: built, answers /ping and predicts';
  it.each(casesOf(CORE_VERSIONS))(NAME, servesItsModel, 30 * 60_000);
  fullTierIt.each(casesOf(FULL_VERSIONS))(NAME, servesItsModel, 30 * 60_000);
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
