// `--dry-run --workdir DIR`: the built CLI renders the build contexts of real fixture repos, which a test (or a user) reads.
// The conda path cannot be built here (no Docker Hub, no anaconda.org): these rendered files are its proof.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { progressTopic } from '../../src/report/messages.js';
import { createFixtureRepo, type FileChanges } from '../helpers/fixture-repo.js';
import { startGitDaemon, type TestGitDaemon } from '../helpers/git-daemon.js';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto.js';
import { type MqttRecording, recordMqtt } from '../helpers/mqtt-recorder.js';
import { startObserver, type TestObserver } from '../helpers/observer.js';
import { type BuilderRun, runBuilder } from '../helpers/run-builder.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const CORPUS = fileURLToPath(new URL('../fixtures/env-files/', import.meta.url));

async function corpusFiles(dir: string, names: readonly string[]): Promise<FileChanges> {
  const entries = await Promise.all(
    names.map(async (name) => [name, await readFile(join(CORPUS, dir, name), 'utf8')] as const),
  );
  // The example's own conda.yaml would win the precedence; the fixture's files replace it.
  return { 'conda.yaml': null, ...Object.fromEntries(entries) };
}

describe('--dry-run --workdir renders what would be built', () => {
  let git: TestGitDaemon;
  let tmp: string;

  beforeAll(async () => {
    git = await startGitDaemon();
    tmp = await makeTempDir('dry-run');
  });

  afterAll(async () => {
    await git?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  /** Runs the builder on a fixture repo made of the example plus `files`; returns the run and the context folder. */
  async function dryRun(
    name: string,
    files: FileChanges,
    extra: readonly string[] = [],
    peers?: { broker: TestBroker; observer: TestObserver },
  ): Promise<{ run: BuilderRun; context: string }> {
    const repo = await createFixtureRepo(git, { owner: 'dry', name, from: EXAMPLE, files });
    const workdir = join(tmp, name);
    const endpoints = peers
      ? ['127.0.0.1', String(peers.broker.port), `127.0.0.1:${peers.observer.port}`]
      : ['127.0.0.1', '1', '127.0.0.1:1'];
    const notifications = peers ? [] : ['--deactivate-notifications'];
    // No registry is contacted in a dry run; resolve would ask PyPI and PyTorch's index, which this test does not need.
    const args = [
      repo.url,
      'http://127.0.0.1:1',
      `dry-${name}`,
      ...endpoints,
      '--dry-run',
      '--workdir',
      workdir,
      '--skip-resolve',
      ...notifications,
      ...extra,
    ];
    const run = await runBuilder(args, {}, 120_000);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    return { run, context: join(workdir, 'context') };
  }

  const read = (context: string, file: string): Promise<string> => readFile(join(context, file), 'utf8');

  it("a pytorch tracking export: CPU wheels from PyTorch's index, torchvision paired, mlflow gone, python 3.10", async () => {
    const { context } = await dryRun(
      'pytorch',
      await corpusFiles('mlflow-pytorch', ['python_env.yaml', 'requirements.txt']),
    );
    // --skip-resolve: no lock, the build resolves the requirements themselves.
    expect(await read(context, 'locks/amd64/base.txt')).toBe(
      [
        '--extra-index-url https://download.pytorch.org/whl/cpu',
        'setuptools==68.2.2',
        'wheel==0.41.3',
        'cloudpickle==3.0.0',
        'torch==2.1.1+cpu',
        'torchvision==0.16.1+cpu',
        'flwr==1.30.0',
        'paho-mqtt==2.2.0',
        '',
      ].join('\n'),
    );
    expect(await read(context, 'locks/amd64/constraints.txt')).toBe('');
    const deps = await read(context, 'deps-amd64.Containerfile');
    expect(deps).toContain('FROM --platform=linux/amd64 docker.io/library/python:3.10-slim AS install\n');
    expect(deps).toContain('-c /opt/flops/locks/constraints.txt');
    expect(await read(context, 'repo/python_env.yaml')).toContain('python: 3.10.12');
  });

  it('a conda export with conda-only packages: environment.yaml and a conda base, nothing built', async () => {
    const { context } = await dryRun('conda-only', await corpusFiles('conda-only-mkl', ['environment.yml']));
    expect(parse(await read(context, 'locks/amd64/environment.yaml'))).toEqual({
      name: 'flops',
      channels: ['defaults'],
      dependencies: ['python=3.11', 'pip', 'mkl=2023.1.0', 'numpy=1.26.4', 'r-base=4.3.1'],
    });
    expect(await read(context, 'locks/amd64/base.txt')).toBe(
      'rpy2==3.5.15\nscikit-learn==1.4.1.post1\nflwr==1.42.0\npaho-mqtt==2.2.0\n',
    );
    const deps = await read(context, 'deps-amd64.Containerfile');
    expect(deps).toContain('FROM --platform=linux/amd64 docker.io/condaforge/miniforge3:24.11.3-0 AS learner-deps\n');
    expect(deps).toContain('conda env update --prefix /opt/venv --file /opt/flops/locks/environment.yaml');
    expect(deps).toContain('/opt/venv/bin/python -m pip install');
    expect(await read(context, 'learner-amd64.Containerfile')).toContain(
      'ENTRYPOINT ["/opt/venv/bin/python","-m","flops_learner"]',
    );
  });

  it('--conda-base-image replaces the conda image', async () => {
    const { context } = await dryRun('conda-own-image', await corpusFiles('conda-only-mkl', ['environment.yml']), [
      '--conda-base-image',
      'registry.local/miniforge3:24.11.3-0',
    ]);
    expect(await read(context, 'deps-amd64.Containerfile')).toContain(
      'FROM --platform=linux/amd64 registry.local/miniforge3:24.11.3-0 AS learner-deps\n',
    );
  });

  it('a Poetry project: python 3.11 (torch 2.1 has no 3.12 wheels), the ranges as PEP 440', async () => {
    const { context } = await dryRun('poetry', await corpusFiles('poetry-project', ['pyproject.toml']));
    expect(await read(context, 'locks/amd64/base.txt')).toBe(
      [
        '--extra-index-url https://download.pytorch.org/whl/cpu',
        'numpy>=1.24.0,<2.0.0',
        'torch==2.1.0+cpu',
        'pandas[performance]>=2.1.0,<2.2.0',
        'tomli>=2.0.0,<3.0.0; python_version < "3.11"',
        'flwr==1.42.0',
        'paho-mqtt==2.2.0',
        '',
      ].join('\n'),
    );
    expect(await read(context, 'deps-amd64.Containerfile')).toContain(
      'FROM --platform=linux/amd64 docker.io/library/python:3.11-slim AS install\n',
    );
  });

  it("--torch-cuda keeps PyPI's torch wheels", async () => {
    const { context } = await dryRun(
      'pytorch-cuda',
      await corpusFiles('mlflow-pytorch', ['python_env.yaml', 'requirements.txt']),
      ['--torch-cuda'],
    );
    expect(await read(context, 'locks/amd64/base.txt')).toBe(
      'setuptools==68.2.2\nwheel==0.41.3\ncloudpickle==3.0.0\ntorch==2.1.1\ntorchvision==0.16.1\nflwr==1.30.0\npaho-mqtt==2.2.0\n',
    );
  });

  it('refuses a tensorflow without wheels for the pinned python in patch, with exit code 12 and what to change', async () => {
    const repo = await createFixtureRepo(git, {
      owner: 'dry',
      name: 'tf-refused',
      from: EXAMPLE,
      files: await corpusFiles('tensorflow-old-python', ['conda.yaml']),
    });
    const run = await runBuilder(
      [
        repo.url,
        'http://127.0.0.1:1',
        'dry-tf',
        '127.0.0.1',
        '1',
        '127.0.0.1:1',
        '--dry-run',
        '--skip-resolve',
        '--deactivate-notifications',
      ],
      {},
      120_000,
    );
    expect(run.exitCode).toBe(12);
    const failed = run.logs.find((line) => line.msg === 'Failed step');
    expect(failed).toMatchObject({ phase: 'patch', code: 'DEPENDENCY_REFUSED' });
  });

  describe('with a broker and an observer', () => {
    let broker: TestBroker;
    let observer: TestObserver;
    let mqtt: MqttRecording;

    beforeAll(async () => {
      broker = await startMosquitto();
      observer = await startObserver();
      mqtt = await recordMqtt(broker.url, ['flops/#']);
    });

    afterAll(async () => {
      await mqtt?.close();
      await observer?.close();
      await broker?.stop();
    });

    it('publishes the patch report in the patch done event and sends one readable line to the observer', async () => {
      await dryRun('reported', await corpusFiles('mlflow-keras', ['conda.yaml']), [], { broker, observer });
      const done = await mqtt.waitFor(
        (message) =>
          message.topic === progressTopic('dry-reported') &&
          message.json().phase === 'patch' &&
          message.json().state === 'done',
      );
      expect(done.json().detail).toMatchObject({
        python_version: '3.11',
        flwr_version: '1.23.0',
        base_image: 'docker.io/library/python:3.11-slim',
        installer: 'pip',
        patches: [
          "removed mlflow==2.8.1 (conda.yaml:7) from the learner: a learner must not report to a tracking server: that would break FL's privacy promise",
          expect.stringMatching(/^pinned flwr 1\.23\.0 rather than 1\.42\.0/),
          "the aggregator gets the MLflow client mlflow==2.8.1, the repo's pin mlflow==2.8.1 (conda.yaml:7), in a layer of its own",
        ],
      });
      const line = await observer.waitFor((text) => text.includes('] patch done'));
      expect(line).toMatch(
        /^\[dry-reported\] patch done in \d+\.\d s: python 3\.11, flwr 1\.23\.0, pip on docker\.io\/library\/python:3\.11-slim; 3 changes: removed mlflow==2\.8\.1 \(conda\.yaml:7\) from the learner/,
      );
    });
  });
});
