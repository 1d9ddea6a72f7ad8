// The FLOps-style repos written for the tests (test/fixtures/flops-repos), in the shape of upstream's examples, through
// validate, patch and resolve (a dry run: locked against the real package index, nothing built). The heavy frameworks
// stay out of image builds in CI; the sklearn repo is built and run end to end in flops-deployment.test.ts. The keras
// and pytorch repos' data code (upstream's lines) runs against the Flight data server with exactly the datasets,
// pyarrow, pillow and numpy their locks pin, the frameworks left out (torch's two imports stood in for).

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressTopic } from '../../src/report/messages.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { startGitDaemon, type TestGitDaemon } from '../helpers/git-daemon.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type MqttRecording, recordMqtt } from '../helpers/mqtt-recorder.js';
import {
  lockedDataVenv,
  makeDatasets,
  type PythonServer,
  runDataManager,
  startFlightServer,
} from '../helpers/python-servers.js';
import { runBuilder } from '../helpers/run-builder.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/flops-repos/', import.meta.url));
const TIMEOUT = 10 * 60_000;

describe("FLOps users' repos through validate, patch and resolve", () => {
  let git: TestGitDaemon;
  let broker: TestBroker;
  let mqtt: MqttRecording;
  let tmp: string;
  let flight: PythonServer;

  beforeAll(async () => {
    git = await startGitDaemon();
    broker = await startMosquitto();
    mqtt = await recordMqtt(broker.url, ['flops/#']);
    tmp = await makeTempDir('flops-repos');
    await makeDatasets(join(tmp, 'data'), { shape: 'cifar', tag: 'cifar', rows: 50 });
    flight = await startFlightServer(join(tmp, 'data'));
  });

  afterAll(async () => {
    await flight?.stop();
    await mqtt?.close();
    await broker?.stop();
    await git?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** Dry-runs the fixture; returns each phase's done detail and the rendered context folder. */
  async function dryRun(name: string, extra: readonly string[] = []) {
    const repo = await createFixtureRepo(git, { owner: 'flops', name, from: join(FIXTURES, name) });
    const workdir = join(tmp, name);
    const project = `repos-${name}`;
    const args = [repo.url, 'http://127.0.0.1:1', project, '127.0.0.1', String(broker.port), '127.0.0.1:1'];
    const run = await runBuilder([...args, '--dry-run', '--workdir', workdir, ...extra], {}, TIMEOUT);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    const done = (phase: string) =>
      mqtt.messages
        .filter((m) => m.topic === progressTopic(project))
        .map((m) => m.json())
        .find((event) => event.phase === phase && event.state === 'done')?.detail;
    return { done, context: join(workdir, 'context') };
  }

  /** The repo's data code run with the versions `lock` pins; checks that they are the versions it ran with. */
  async function runDataCode(name: string, lock: string, stubTorch = false) {
    const dir = join(tmp, `${name}-data`);
    await mkdir(dir, { recursive: true });
    const python = await lockedDataVenv(lock, dir);
    const ran = await runDataManager(python, { repo: join(FIXTURES, name), flight, tag: 'cifar', stubTorch });
    for (const pkg of ['datasets', 'pyarrow', 'numpy']) {
      expect(lock, pkg).toMatch(new RegExp(`^${pkg}==${ran.versions[pkg]?.replaceAll('.', '\\.')} `, 'm'));
    }
    return ran;
  }

  it(
    'sklearn (mlflow imported at import time): the learner gets the stand-in, the aggregator the repo’s MLflow',
    async () => {
      const { done, context } = await dryRun('sklearn-mnist');
      const patches = JSON.stringify(done('patch'));
      expect(patches).toContain('the learner imports a stand-in for mlflow that reports nowhere');
      expect(patches).toContain(
        'added datasets, pyarrow, pillow: the code imports flops_utils.ml_repo_building_blocks',
      );
      const base = await readFile(join(context, 'locks/amd64/base.txt'), 'utf8');
      // upstream's `dataset["image"].reshape(...)` needs datasets 2.x/3.x: bounded, and the report says why.
      expect(base).toMatch(/^datasets==[23]\./m);
      expect(patches).toContain('bounded datasets<4: datasets 4.0 returns a lazy Column');
      expect(base).not.toMatch(/^mlflow==/m);
      expect(await readFile(join(context, 'locks/amd64/extras.txt'), 'utf8')).toMatch(/^mlflow==2\.12\.1 /m);
      // Upstream's pyyaml 6.0.1 is raised within its major version for Flower, and resolve says so.
      expect(JSON.stringify(done('resolve'))).toContain('raised pyyaml==6.0.1');
    },
    TIMEOUT,
  );

  it(
    "keras (tensorflow 2.12 with upstream's numpy 1.23.5 and protobuf 3.20.3): resolved with the data loader",
    async () => {
      const { done, context } = await dryRun('keras-cifar10');
      expect(done('validate')).toMatchObject({ python_version: '3.11' });
      const base = await readFile(join(context, 'locks/amd64/base.txt'), 'utf8');
      expect(base).toMatch(/^tensorflow==2\.12\.0 /m);
      expect(base).toMatch(/^datasets==/m);
      expect(base).toMatch(/^flwr==/m);
      expect(JSON.stringify(done('patch'))).toContain('protobuf');
      // datasets 2.x/3.x behaviour: the formatted column is an array upstream's code slices.
      expect(base).toMatch(/^datasets==[23]\./m);
      const ran = await runDataCode('keras-cifar10', base);
      const array = (shape: number[], dtype: string) => ({ type: 'ndarray', shape, dtype });
      expect(ran.data).toEqual([
        [array([40, 32, 32, 3], 'float64'), array([40], 'int64')],
        [array([10, 32, 32, 3], 'float64'), array([10], 'int64')],
      ]);
    },
    TIMEOUT,
  );

  it(
    "pytorch with --torch-cuda (PyTorch's CPU index is out of reach here): torch from PyPI, resolved",
    async () => {
      const { done, context } = await dryRun('pytorch-cifar10', ['--torch-cuda']);
      expect(done('validate')).toMatchObject({ python_version: '3.10' });
      const base = await readFile(join(context, 'locks/amd64/base.txt'), 'utf8');
      expect(base).toMatch(/^torch==2\.1\.1 /m);
      expect(base).toMatch(/^torchvision==/m);
      expect(base).toMatch(/^datasets==[23]\./m);
      const ran = await runDataCode('pytorch-cifar10', base, true);
      expect(ran.data).toEqual([
        { type: 'DataLoader', rows: 40, batch: { img: [32, 3, 32, 32], label: [32] } },
        { type: 'DataLoader', rows: 10, batch: { img: [10, 3, 32, 32], label: [10] } },
      ]);
    },
    TIMEOUT,
  );
});
