// An import that nothing provides fails the job in the imports phase, before anything is pushed: on a first build
// (the module list read from the install stage just built) and on a later commit whose dependency images are reused
// from the registry (the list read from their label). Imports that something provides, or that are optional, pass.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { addCommit, createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { type BuilderRun, runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const TIMEOUT = 20 * 60_000;

/** The example's model manager under imports of every kind the check accepts. */
const ACCEPTED_HEAD = [
  'import mlflow',
  'from sklearn.linear_model import LinearRegression',
  'try:',
  '    import ujson',
  'except ImportError:',
  '    ujson = None',
  'from helpers.shapes import WIDTH',
  '',
].join('\n');

describe('the imports phase', () => {
  let services: PipelineServices;
  let repo: FixtureRepo;
  let example: string;
  let tmp: string;
  /** buildah storage of this file's own, shared by its builds: no other job's clean-up reaches its containers. */
  let storage: Record<string, string>;

  beforeAll(async () => {
    services = await startPipelineServices();
    tmp = await makeTempDir('imports');
    const conf = join(tmp, 'storage.conf');
    await writeFile(conf, `[storage]\ndriver = "overlay"\nrunroot = "${tmp}/run"\ngraphroot = "${tmp}/graph"\n`);
    storage = { CONTAINERS_STORAGE_CONF: conf };
    example = await readFile(join(EXAMPLE, 'model_manager.py'), 'utf8');
    repo = await createFixtureRepo(services.git, {
      owner: 'imports',
      name: 'check',
      from: EXAMPLE,
      files: {
        'conda.yaml': null,
        'requirements.txt': 'numpy==1.26.4\nscikit-learn==1.4.2\n',
        'helpers/__init__.py': '',
        'helpers/shapes.py': 'WIDTH = 4\n',
        // Excluded from the images, so never imported there: its pytest is not refused.
        'tests/test_model.py': 'import pytest\n',
        '.dockerignore': 'tests/\n',
        'model_manager.py': `import lightgbm\n${ACCEPTED_HEAD}${example}`,
      },
    });
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  const build = (projectId: string): Promise<BuilderRun> =>
    runBuilder(builderArgs(services, repo.url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE]), storage, TIMEOUT);
  const failedOf = async (projectId: string) =>
    (
      await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId)
    ).json();
  const tags = (repository: string) => services.registry.listTags(`imports/check/${repository}`);

  it(
    'refuses a first build whose code imports a module no file lists, naming it, its file and line; no image pushed',
    async () => {
      const run = await build('imports-refused');
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(18);
      const failed = await failedOf('imports-refused');
      expect(failed).toMatchObject({ phase: 'imports', code: 'IMPORT_NOT_PROVIDED', exit_code: 18 });
      expect(failed.error_msg).toContain('lightgbm (imported at model_manager.py line 1)');
      expect(failed.error_msg).toContain('requirements.txt');
      expect(failed.error_msg).not.toMatch(/\b(sklearn|mlflow|ujson|helpers|pytest)\b/);
      // The dependency images were made (in the registry, where the fixed commit reuses them); the push never ran,
      // so neither image of the commit is there.
      expect(run.logs.some((line) => line.phase === 'build' && line.msg === 'Completed step')).toBe(true);
      expect(await tags('learner')).toEqual([]);
      expect(await tags('aggregator')).toEqual([]);
      expect(
        (await tags('flops-deps')).filter((tag) => /^(learner|aggregator)-amd64-[0-9a-f]{32}$/.test(tag)),
      ).toHaveLength(2);
    },
    TIMEOUT,
  );

  it(
    'accepts sklearn with scikit-learn listed, an optional import, its own sub-package and mlflow, and reports each',
    async () => {
      const sha = await addCommit(repo, { 'model_manager.py': `${ACCEPTED_HEAD}${example}` });
      const run = await build('imports-accepted');
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      const done = services.mqtt.messages
        .filter((m) => m.topic === progressTopic('imports-accepted'))
        .map((m) => m.json())
        .find((event) => event.phase === 'imports' && event.state === 'done');
      const imports = done?.detail.imports;
      expect(imports.sklearn).toEqual({
        learner: 'scikit-learn 1.4.2',
        aggregator: 'scikit-learn 1.4.2',
      });
      expect(imports.mlflow.learner).toBe("the learner's stand-in");
      expect(imports.mlflow.aggregator).toMatch(/^mlflow 2\./);
      expect(imports.helpers).toEqual({ learner: 'the repo', aggregator: 'the repo' });
      expect(imports.ujson).toEqual({ learner: 'not provided (optional)', aggregator: 'not provided (optional)' });
      expect(imports.numpy.learner).toBe('numpy 1.26.4');
      expect(imports.pytest).toBeUndefined();
      expect(await tags('learner')).toContain(sha);
      // The pushed images' patch report ends with the same list, for each image.
      const report = async (role: string) =>
        (await services.registry.getConfigLabels(`imports/check/${role}`, sha))['io.flops.patches'];
      expect(await report('learner')).toMatch(
        /; imports: .*helpers from the repo, .*mlflow from the learner's stand-in, .*sklearn from scikit-learn 1\.4\.2/,
      );
      expect(await report('aggregator')).toMatch(
        /; imports: .*mlflow from mlflow 2\.[^,]*, .*sklearn from scikit-learn/,
      );
    },
    TIMEOUT,
  );

  it(
    'refuses a later commit whose dependency images are reused, from the module list in their label',
    async () => {
      const before = await tags('flops-deps');
      const sha = await addCommit(repo, {
        'helpers/plots.py': 'def plot():\n    import matplotlib.pyplot as plt\n    return plt\n',
      });
      const run = await build('imports-reused');
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(18);
      expect(run.logs.filter((line) => line.msg === 'Reusing the dependency image from the registry')).toHaveLength(2);
      const failed = await failedOf('imports-reused');
      // The aggregator has matplotlib (MLflow's), the learner does not.
      expect(failed.error_msg).toContain(
        'matplotlib (imported at helpers/plots.py line 2, missing in the learner image): add matplotlib',
      );
      expect(await tags('learner')).not.toContain(sha);
      expect(await tags('flops-deps')).toEqual(before);
    },
    TIMEOUT,
  );
});
