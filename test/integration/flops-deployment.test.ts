// The images in a FLOps deployment: an sklearn repo written against upstream's templates, built once with the
// manager's command line, then run with the manager's command lines (`python main.py …` in each image's WORKDIR)
// against a real MLflow tracking server and a real Arrow Flight data server.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerTopics } from '../../src/report/messages.js';
import { buildah, imageConfig } from '../helpers/buildah.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { type ImageProcess, type ImageRun, startInImage } from '../helpers/image-process.js';
import { freePort } from '../helpers/ports.js';
import {
  makeDatasets,
  type PythonServer,
  startFlightServer,
  startMlflowServer,
  testPython,
} from '../helpers/python-servers.js';
import { runBuilder } from '../helpers/run-builder.js';
import { type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { allSettledOrThrow } from '../helpers/wait.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/flops-repos/sklearn-mnist', import.meta.url));
const TIMEOUT = 10 * 60_000;
const AGGREGATOR_SUCCESS = 'flops_manager/aggregator/success';
const AGGREGATOR_FAILED = 'flops_manager/aggregator/failed';
const LEARNER_FAILED = 'flops_manager/learner/failed';

describe('the images in a FLOps deployment', () => {
  let services: PipelineServices;
  let tmp: string;
  let repo: FixtureRepo;
  let flight: PythonServer;
  let mlflow: PythonServer;
  /** Stands in where a learner could send tracking data: it must never be contacted. */
  let trackingTrap: { server: Server; port: number; connections: number };
  let learnerImage: string;
  let aggregatorImage: string;
  const running: ImageProcess[] = [];
  /** The run the classic session tracked its winner model to: the trained_model test serves it. */
  let classicRunId = '';

  beforeAll(async () => {
    services = await startPipelineServices();
    tmp = await makeTempDir('flops-deployment');
    // The data, the servers and the trap are made while the images build: none of them is a buildah container, so
    // the job's clean-up of its storage cannot touch them, and the build is the long part of this set-up.
    const serversStarted = (async () => {
      const data = join(tmp, 'data');
      await makeDatasets(data, { shape: 'mnist', tag: 'mnist-a', rows: 120 });
      await makeDatasets(data, { shape: 'mnist', tag: 'mnist-b', rows: 80 });
      flight = await startFlightServer(data);
      mlflow = await startMlflowServer(join(tmp, 'mlflow'));
      trackingTrap = await startTrap();
    })();
    await allSettledOrThrow([serversStarted, buildImages()]);
  }, 40 * 60_000);

  /** The repo built once with the manager's command line, its two images pulled for the tests to run. */
  async function buildImages(): Promise<void> {
    // The fixture pins python 3.10 as upstream's example does; the test base image is Debian 12's python 3.11.
    const conda = (await readFile(join(FIXTURE, 'conda.yaml'), 'utf8')).replace(/python=3\.10\.14/, 'python=3.11');
    repo = await createFixtureRepo(services.git, {
      owner: 'FLOps-User',
      name: 'sklearn-mnist',
      from: FIXTURE,
      files: { 'conda.yaml': conda },
    });
    // The manager's command line for the builder (`python3 main.py` is what the builder image's WORKDIR runs).
    const build = await runBuilder(
      [
        'python3',
        'main.py',
        services.registry.url,
        'deploy-build',
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        '--supported_platforms=linux/amd64',
        '--base-image',
        services.baseImage,
        '--ca-cert',
        MACHINE_CA_BUNDLE,
        'fl_actors',
        repo.url,
        'sklearn',
      ],
      {},
      30 * 60_000,
    );
    expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
    learnerImage = `${services.registry.hostPort}/flops-user/sklearn-mnist/learner:${repo.sha}`;
    aggregatorImage = `${services.registry.hostPort}/flops-user/sklearn-mnist/aggregator:${repo.sha}`;
    for (const image of [learnerImage, aggregatorImage]) {
      await buildah(['pull', '--tls-verify=false', '--quiet', image], 600_000);
    }
  }

  afterAll(async () => {
    await Promise.all(running.map((process) => process.remove()));
    await new Promise((resolve) => trackingTrap?.server.close(resolve));
    await flight?.stop();
    await mlflow?.stop();
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  const mqtt = (): string => `127.0.0.1:${services.broker.port}`;
  const observer = (): string => `127.0.0.1:${services.observer.port}`;

  async function start(image: string, args: readonly string[], env: Record<string, string> = {}) {
    const process = await startInImage(image, ['python', 'main.py', ...args], env);
    running.push(process);
    return process;
  }

  /** A learner in the manager's form, reading its data by tag; retries every second rather than every 20. */
  const learner = (project: string, aggregator: string, tags: string) =>
    start(learnerImage, [project, mqtt(), observer(), aggregator, tags], {
      ML_DATA_SERVER_IP: `127.0.0.1:${flight.port}`,
      FLOPS_RETRY_INTERVAL: '1',
      MLFLOW_TRACKING_URI: `http://127.0.0.1:${trackingTrap.port}`,
    });

  /** One learner per tag list, started one after the other, all dialling `aggregator`. */
  const learners = async (project: string, aggregator: string, tagLists = ['mnist-a', 'mnist-b']) => {
    const started: ImageProcess[] = [];
    for (const tags of tagLists) started.push(await learner(project, aggregator, tags));
    return started;
  };

  const aggregator = (project: string, args: readonly string[]) =>
    start(aggregatorImage, [project, mqtt(), observer(), ...args], { FLOPS_RETRY_INTERVAL: '1' });

  // The images publish with Python's json (a space after each colon): payloads are compared parsed.
  const messagesOf = (project: string) =>
    services.mqtt.messages.filter((m) => {
      try {
        return m.json().flops_project_id === project;
      } catch {
        return false;
      }
    });

  const expectStoppedCleanly = (run: ImageRun) => expect(run.exitCode, run.output.slice(-3000)).toBe(0);

  it(
    'trains with the manager command lines, tracks the winner model to MLflow, and keeps learners away from it',
    async () => {
      const port = await freePort();
      // The learners start first: they wait for the aggregator, as upstream's do, and train once it serves.
      const clients = await learners('deploy-classic', `127.0.0.1:${port}`, ['mnist-a', 'mnist-a,mnist-b']);
      await services.observer.waitFor((line) => line.includes('[deploy-classic] learner: started'), 120_000);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const server = await aggregator('deploy-classic', [
        mlflow.url,
        'CLASSIC_AGGREGATOR',
        '2',
        '2',
        '2',
        '2',
        '--port',
        String(port),
      ]);
      const serverRun = await server.finished;
      expect(serverRun.exitCode, serverRun.output.slice(-3000)).toBe(0);

      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === AGGREGATOR_SUCCESS && m.json().flops_project_id === 'deploy-classic',
        )
      ).json();
      expect(Object.keys(success).sort()).toEqual(
        ['accuracy', 'aggregator_type', 'experiment_id', 'flops_project_id', 'loss', 'run_id'].sort(),
      );
      expect(success.aggregator_type).toBe('CLASSIC_AGGREGATOR');
      classicRunId = success.run_id;
      expect(typeof success.accuracy).toBe('number');
      const started = messagesOf('deploy-classic').find((m) => m.topic === 'flops_manager/aggregator/started');
      expect(started?.json().aggregator_type).toBe('CLASSIC_AGGREGATOR');

      // The run the manager hears of: the experiment upstream names, metrics, and a model pyfunc loads and runs.
      const tracked = JSON.parse(
        await testPython(
          `
import json, mlflow, numpy as np
client = mlflow.MlflowClient("${mlflow.url}")
run = client.get_run("${success.run_id}")
experiment = client.get_experiment(run.info.experiment_id)
model = mlflow.pyfunc.load_model("runs:/${success.run_id}/logged_model_artifact")
predictions = model.predict(np.zeros((3, 784)))
print(json.dumps({"experiment": experiment.name, "metrics": sorted(run.data.metrics),
                  "predictions": len(predictions)}))`,
          { MLFLOW_TRACKING_URI: mlflow.url },
        ),
      );
      expect(tracked).toMatchObject({ experiment: 'FLOps Project deploy-classic', predictions: 3 });
      expect(tracked.metrics).toEqual(expect.arrayContaining(['accuracy', 'loss']));

      // In the manager's form the learners wait for the next session until stopped; SIGTERM ends them cleanly.
      for (const one of clients) expectStoppedCleanly(await one.terminate());
      expect(trackingTrap.connections).toBe(0);
      expect(services.observer.lines.some((line) => line.includes('[deploy-classic] learner: connected'))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    "builds the winner model's serving image with the manager's trained_model command line, and it predicts",
    async () => {
      expect(classicRunId, 'the classic session tracked a run').not.toBe('');
      const build = await runBuilder(
        [
          'python3',
          'main.py',
          services.registry.url,
          'deploy-classic',
          mqtt(),
          observer(),
          '--supported_platforms=linux/amd64',
          '--base-image',
          services.baseImage,
          '--ca-cert',
          MACHINE_CA_BUNDLE,
          'trained_model',
          'FLOps-Customer',
          mlflow.url,
          classicRunId,
        ],
        {},
        30 * 60_000,
      );
      expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
      const success = (
        await services.mqtt.waitFor(
          (m) => m.topic === managerTopics('trained_model').success && m.json().flops_project_id === 'deploy-classic',
        )
      ).json();
      const image = `${services.registry.hostPort}/flops-customer/trained_model:${classicRunId}`;
      expect(success.trained_model_image.reference).toBe(image);
      await buildah(['pull', '--tls-verify=false', '--quiet', image], 600_000);

      // The image's own entrypoint, on a free port rather than 8080 (the tests share the host's network).
      const { Entrypoint = [] } = await imageConfig(image);
      const port = await freePort();
      const command = Entrypoint.map((arg, at) => (Entrypoint[at - 1] === '--port' ? String(port) : arg));
      expect(command).toContain('serve');
      const server = await startInImage(image, command);
      running.push(server);
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/ping`, 180_000, server);
      const response = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [new Array(784).fill(0), new Array(784).fill(1)] }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const { predictions } = (await response.json()) as { predictions: unknown[] };
      expect(predictions).toHaveLength(2);
      await server.terminate().catch(() => undefined);
    },
    40 * 60_000,
  );

  it.each([
    { name: 'an unknown plan word', tail: (url: string) => ['fl_actorz', url, 'sklearn'], exit: 2, code: 'USAGE' },
    { name: 'an unknown flavor', tail: (url: string) => ['fl_actors', url, 'scikit'], exit: 2, code: 'USAGE' },
    {
      // Refused with the arguments: the platforms table has no row for it.
      name: 'an unknown platform',
      tail: (url: string) => ['--supported_platforms=linux/s390x', 'fl_actors', url, 'sklearn'],
      exit: 2,
      code: 'USAGE',
    },
  ])("refuses the manager's command line with $name: exit $exit and a failed message", async (bad) => {
    const project = `deploy-bad-${bad.name.replaceAll(' ', '-')}`;
    const run = await runBuilder(
      ['python3', 'main.py', services.registry.url, project, mqtt(), observer(), ...bad.tail(repo.url)],
      {},
      60_000,
    );
    expect(run.exitCode, run.stderr).toBe(bad.exit);
    const failed = (
      await services.mqtt.waitFor(
        (m) => m.topic === managerTopics('fl_actors').failed && m.json().flops_project_id === project,
      )
    ).json();
    expect(failed).toMatchObject({ code: bad.code, exit_code: bad.exit });
    expect(failed.error_msg.length).toBeGreaterThan(20);
  });

  it('fails trained_model for a run the tracking server does not have, naming it', async () => {
    const run = await runBuilder(
      [
        'python3',
        'main.py',
        services.registry.url,
        'deploy-no-run',
        mqtt(),
        observer(),
        'trained_model',
        'customer',
        mlflow.url,
        '0123456789abcdef0123456789abcdef',
      ],
      {},
      120_000,
    );
    expect(run.exitCode).toBe(17);
    const failed = (
      await services.mqtt.waitFor(
        (m) => m.topic === managerTopics('trained_model').failed && m.json().flops_project_id === 'deploy-no-run',
      )
    ).json();
    expect(failed).toMatchObject({ code: 'RUN_NOT_FOUND', phase: 'fetch', exit_code: 17 });
    expect(failed.error_msg).toContain('0123456789abcdef0123456789abcdef');
  });

  it(
    'trains hierarchically: a root aggregator, a cluster aggregator and its two learners',
    async () => {
      const [rootPort, clusterPort] = [await freePort(), await freePort()];
      const root = await aggregator('deploy-hfl', [
        mlflow.url,
        'ROOT_AGGREGATOR',
        '2',
        '1',
        '1',
        '1',
        '--port',
        String(rootPort),
      ]);
      const cluster = await aggregator('deploy-hfl', [
        mlflow.url,
        'CLUSTER_AGGREGATOR',
        '2',
        '2',
        '2',
        '2',
        `127.0.0.1:${rootPort}`,
        '--port',
        String(clusterPort),
      ]);
      const clients = await learners('deploy-hfl', `127.0.0.1:${clusterPort}`);
      const rootRun = await root.finished;
      expect(rootRun.exitCode, rootRun.output.slice(-3000)).toBe(0);
      const success = (
        await services.mqtt.waitFor((m) => m.topic === AGGREGATOR_SUCCESS && m.json().flops_project_id === 'deploy-hfl')
      ).json();
      expect(success).toMatchObject({ aggregator_type: 'ROOT_AGGREGATOR', run_id: expect.any(String) });
      // The cluster aggregator publishes nothing (a success from it would make the manager undeploy the learners).
      const published = messagesOf('deploy-hfl').filter((m) => m.topic.startsWith('flops_manager/aggregator/'));
      expect(published.map((m) => m.json().aggregator_type)).toEqual(['ROOT_AGGREGATOR', 'ROOT_AGGREGATOR']);
      for (const one of [cluster, ...clients]) expectStoppedCleanly(await one.terminate());
    },
    TIMEOUT,
  );

  it('fails a learner whose data tags match no data, naming the tags', async () => {
    const port = await freePort();
    const lonely = await learner('deploy-nodata', `127.0.0.1:${port}`, 'no-such-tag');
    const run = await lonely.finished;
    expect(run.exitCode).toBe(1);
    const failed = (
      await services.mqtt.waitFor((m) => m.topic === LEARNER_FAILED && m.json().flops_project_id === 'deploy-nodata')
    ).json();
    expect(failed.error_msg).toContain('no-such-tag');
    expect(
      services.observer.lines.some((line) => line.includes('[deploy-nodata]') && line.includes('no-such-tag')),
    ).toBe(true);
  }, 120_000);

  it(
    'finishes training with the tracking server down, then reports the failure naming the server',
    async () => {
      const [port, downPort] = [await freePort(), await freePort()];
      const server = await aggregator('deploy-untracked', [
        `http://127.0.0.1:${downPort}`,
        'CLASSIC_AGGREGATOR',
        '2',
        '2',
        '2',
        '2',
        '--port',
        String(port),
      ]);
      const clients = await learners('deploy-untracked', `127.0.0.1:${port}`);
      const serverRun = await server.finished;
      expect(serverRun.exitCode).toBe(1);
      const failed = (
        await services.mqtt.waitFor(
          (m) => m.topic === AGGREGATOR_FAILED && m.json().flops_project_id === 'deploy-untracked',
        )
      ).json();
      expect(failed).toMatchObject({ aggregator_type: 'CLASSIC_AGGREGATOR' });
      expect(failed.error_msg).toContain(`127.0.0.1:${downPort}`);
      expect(
        messagesOf('deploy-untracked').some((m) => m.topic === AGGREGATOR_SUCCESS),
        'never a success without run_id',
      ).toBe(false);
      expect(
        services.observer.lines.some((line) => line.includes('[deploy-untracked] aggregator: round 2/2 done')),
      ).toBe(true);
      for (const one of clients) expectStoppedCleanly(await one.terminate());
    },
    TIMEOUT,
  );
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

/** A TCP listener that counts connections and answers none. */
async function startTrap(): Promise<{ server: Server; port: number; connections: number }> {
  const trap = { server: createServer(), port: 0, connections: 0 };
  trap.server.on('connection', (socket) => {
    trap.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.server.listen(0, '127.0.0.1', resolve));
  const address = trap.server.address();
  trap.port = typeof address === 'object' && address ? address.port : 0;
  return trap;
}
