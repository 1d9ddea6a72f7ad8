// The training plan end to end: an Iris repo with no FL parts, built and pushed as a SageMaker-style trainer with the
// manager's command line, then run as SageMaker runs it: `IMAGE train` as root, with root-owned channel, config and
// model folders mounted under /opt/ml and a hyperparameters file.

import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managerTopics } from '../../src/report/messages.js';
import { BUILDAH_ENV, buildah, containerFrom, imageConfig } from '../helpers/buildah.js';
import { addCommit, createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { runBuilder } from '../helpers/run-builder.js';
import { type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/training-repos/iris', import.meta.url));
const TOPICS = managerTopics('training');
const PYTHON = '/opt/venv/bin/python';

/** A command in a new container of `image` (its user and working directory), with host folders mounted. */
async function runIn(image: string, command: readonly string[], volumes: readonly string[] = []) {
  const container = await containerFrom(image);
  try {
    const mounts = volumes.flatMap((volume) => ['--volume', volume]);
    const result = await execa(
      'buildah',
      ['run', '--isolation', 'chroot', ...mounts, container.name, '--', ...command],
      {
        env: BUILDAH_ENV,
        extendEnv: false,
        reject: false,
        all: true,
        timeout: 300_000,
      },
    );
    return { exitCode: result.exitCode, output: String(result.all) };
  } finally {
    await container.remove();
  }
}

describe('the training plan', () => {
  let services: PipelineServices;
  let tmp: string;
  let repo: FixtureRepo;
  let image: string;
  let entrypoint: readonly string[];
  let build: Awaited<ReturnType<typeof runBuilder>>;

  /** The builder's training job for the fixture repo's newest commit, for amd64 on the test base. */
  const trainingJob = (projectId: string) =>
    runBuilder(
      [
        'python3',
        'main.py',
        services.registry.url,
        projectId,
        `127.0.0.1:${services.broker.port}`,
        `127.0.0.1:${services.observer.port}`,
        '--supported_platforms=linux/amd64',
        '--base-image',
        services.baseImage,
        '--ca-cert',
        MACHINE_CA_BUNDLE,
        'training',
        repo.url,
      ],
      {},
      30 * 60_000,
    );

  beforeAll(async () => {
    services = await startPipelineServices();
    tmp = await makeTempDir('flops-training');
    repo = await createFixtureRepo(services.git, { owner: 'SageMaker-User', name: 'iris', from: FIXTURE });
    build = await trainingJob('train-build');
    image = `${services.registry.hostPort}/sagemaker-user/iris/trainer:${repo.sha}`;
  }, 40 * 60_000);

  afterAll(async () => {
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  it('builds and pushes one trainer image of the commit, reported on the training topics', async () => {
    expect(build.exitCode, build.stdout.slice(-4000)).toBe(0);
    const started = await services.mqtt.waitFor((m) => m.topic === TOPICS.started);
    expect(started.json()).toMatchObject({ plan: 'training', repo_url: repo.url, flops_project_id: 'train-build' });
    const success = (await services.mqtt.waitFor((m) => m.topic === TOPICS.success)).json();
    expect(success).toMatchObject({
      flops_project_id: 'train-build',
      commit_sha: repo.sha,
      skipped: false,
      entry: 'train.py',
      platforms: ['linux/amd64'],
      trainer_image: { reference: image },
    });
    expect(success.trainer_image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // No FL parts: neither the FL runtime nor Flower.
    expect(build.stdout).not.toContain('flwr==');
    await buildah(['pull', '--tls-verify=false', '--quiet', image], 600_000);
    const config = await imageConfig(image);
    expect(config.User).toBe('0:0');
    expect(config.WorkingDir).toBe('/opt/program');
    entrypoint = config.Entrypoint ?? [];
    expect(entrypoint).toEqual([PYTHON, '-m', 'flops_trainer']);
    expect(config.Env).toContain('FLOPS_TRAIN_ENTRY=train.py');
    expect(config.Labels?.['io.flops.training.entry']).toBe('train.py');
    const fl = await runIn(image, [
      PYTHON,
      '-c',
      'import importlib.util as u; print(u.find_spec("flwr"), u.find_spec("flops_learner"))',
    ]);
    expect(fl.output.trim()).toBe('None None');
  }, 900_000);

  /** SageMaker's /opt/ml, made by root as SageMaker makes it: the channel's CSV from scikit-learn's own Iris. */
  async function jobFolders(name: string, hyperparameters: Record<string, string>) {
    const ml = join(tmp, name);
    const folders = {
      training: join(ml, 'input', 'data', 'training'),
      config: join(ml, 'input', 'config'),
      model: join(ml, 'model'),
      output: join(ml, 'output'),
    };
    for (const folder of Object.values(folders)) {
      await mkdir(folder, { recursive: true });
      await chmod(folder, 0o755);
    }
    const write = await runIn(
      image,
      [
        PYTHON,
        '-c',
        'from sklearn.datasets import load_iris; import csv; d = load_iris(); ' +
          'csv.writer(open("/data/iris.csv", "w", newline="")).writerows([[int(t), *x] for x, t in zip(d.data, d.target)])',
      ],
      [`${folders.training}:/data`],
    );
    expect(write.exitCode, write.output).toBe(0);
    await writeFile(join(folders.config, 'hyperparameters.json'), JSON.stringify(hyperparameters));
    return folders;
  }

  const mounts = (folders: Awaited<ReturnType<typeof jobFolders>>) => [
    `${folders.training}:/opt/ml/input/data/training:ro`,
    `${folders.config}:/opt/ml/input/config:ro`,
    `${folders.model}:/opt/ml/model`,
    `${folders.output}:/opt/ml/output`,
  ];

  it('trains with `train` as root into root-owned folders: a model that loads, predicts and used the hyperparameters', async () => {
    const folders = await jobFolders('ok', { max_leaf_nodes: '3', criterion: 'entropy' });
    for (const folder of Object.values(folders)) expect((await stat(folder)).uid).toBe(0);
    const run = await runIn(image, [...entrypoint, 'train'], mounts(folders));
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain('trained on 150 rows: 3 leaves');
    expect(await readdir(folders.model)).toEqual(['decision-tree-model.joblib']);
    expect(await readdir(folders.output)).toEqual(['data']);
    const check = await runIn(
      image,
      [
        PYTHON,
        '-c',
        'import joblib; m = joblib.load("/opt/ml/model/decision-tree-model.joblib"); ' +
          'print(m.max_leaf_nodes, m.criterion, m.get_n_leaves(), m.predict([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]).tolist())',
      ],
      [`${folders.model}:/opt/ml/model:ro`],
    );
    expect(check.exitCode, check.output).toBe(0);
    expect(check.output.trim()).toBe('3 entropy 3 [0, 2]');
  }, 600_000);

  it('writes /opt/ml/output/failure and exits non-zero when the entry raises', async () => {
    const folders = await jobFolders('failing', { criterion: 'no-such-criterion' });
    const run = await runIn(image, [...entrypoint, 'train'], mounts(folders));
    expect(run.exitCode).not.toBe(0);
    const failure = await readFile(join(folders.output, 'failure'), 'utf8');
    expect(failure.split('\n')[0]).toMatch(/^InvalidParameterError: The 'criterion' parameter/);
    expect(await readdir(folders.model)).toEqual([]);
  }, 600_000);

  it('prints its usage for anything but train', async () => {
    const run = await runIn(image, [...entrypoint]);
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('usage: IMAGE train');
  }, 120_000);

  it('refuses a commit whose entry imports a module nothing provides, before the push (exit 18)', async () => {
    const train = await readFile(join(FIXTURE, 'train.py'), 'utf8');
    const sha = await addCommit(repo, {
      'train.py': train.replace('import joblib\n', 'import joblib\nimport lightgbm\n'),
    });
    const run = await trainingJob('train-refused');
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(18);
    const failed = (
      await services.mqtt.waitFor((m) => m.topic === TOPICS.failed && m.json().flops_project_id === 'train-refused')
    ).json();
    expect(failed).toMatchObject({ phase: 'imports', code: 'IMPORT_NOT_PROVIDED', exit_code: 18 });
    expect(failed.error_msg).toContain('lightgbm (imported at train.py line');
    // The first commit's trainer only: this one was never pushed.
    const tags = await services.registry.listTags('sagemaker-user/iris/trainer');
    expect(tags).toContain(repo.sha);
    expect(tags).not.toContain(sha);
  }, 1_800_000);
});
