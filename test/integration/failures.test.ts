// Bad repos and dead peers fail the right phase with the right code, publish `failed`, and push nothing.

import { symlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_TOPICS } from '../../src/report/messages.js';
import { createFixtureRepo, type FileChanges } from '../helpers/fixture-repo.js';
import { freePort } from '../helpers/ports.js';
import { runBuilder } from '../helpers/run-builder.js';
import { builderArgs, startPipelineServices, type PipelineServices } from '../helpers/services.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));

interface BadRepoCase {
  readonly name: string;
  readonly files: FileChanges;
  readonly exitCode: number;
  readonly phase: string;
  readonly code: string;
  /** A word the message must name (the file or method at fault). */
  readonly names: string;
}

const BAD_REPOS: readonly BadRepoCase[] = [
  { name: 'no-model-manager', files: { 'model_manager.py': null }, exitCode: 11, phase: 'validate', code: 'MODEL_MANAGER_MISSING', names: 'model_manager.py' },
  { name: 'no-env-file', files: { 'conda.yaml': null }, exitCode: 11, phase: 'validate', code: 'ENV_FILE_MISSING', names: 'requirements.txt' },
  { name: 'broken-yaml', files: { 'conda.yaml': 'dependencies: [python=3.11\n  - pip:\n' }, exitCode: 11, phase: 'validate', code: 'ENV_FILE_UNREADABLE', names: 'conda.yaml' },
  { name: 'broken-toml', files: { 'conda.yaml': null, 'pyproject.toml': '[project\ndependencies = [' }, exitCode: 11, phase: 'validate', code: 'ENV_FILE_UNREADABLE', names: 'pyproject.toml' },
  { name: 'python-two', files: { 'conda.yaml': 'dependencies:\n  - python=2.7\n  - pip:\n    - numpy\n' }, exitCode: 11, phase: 'validate', code: 'PYTHON_UNSUPPORTED', names: 'Python 2' },
  { name: 'syntax-error', files: { 'helpers/broken.py': 'def f(:\n    pass\n' }, exitCode: 11, phase: 'validate', code: 'PYTHON_SYNTAX_ERROR', names: 'helpers/broken.py' },
  {
    name: 'missing-method',
    files: { 'model_manager.py': 'class ModelManager:\n    def get_model_parameters(self): ...\n    def set_model_parameters(self, p): ...\n    def evaluate_model(self): ...\n    def set_model_data(self): ...\n' },
    exitCode: 11,
    phase: 'validate',
    code: 'MODEL_MANAGER_INVALID',
    names: 'fit_model',
  },
];

describe('failures', () => {
  let services: PipelineServices;

  beforeAll(async () => {
    services = await startPipelineServices();
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
  });

  const failedPayload = async (projectId: string): Promise<Record<string, unknown>> =>
    (await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId)).json();

  it.each(BAD_REPOS)('a repo with $name fails $phase with $code', async (bad) => {
    const repo = await createFixtureRepo(services.git, { owner: 'bad', name: bad.name, from: EXAMPLE, files: bad.files });
    const run = await runBuilder(builderArgs(services, repo.url, `bad-${bad.name}`));
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(bad.exitCode);
    const failed = await failedPayload(`bad-${bad.name}`);
    expect(failed).toMatchObject({ phase: bad.phase, code: bad.code, exit_code: bad.exitCode });
    expect(String(failed.error_msg)).toContain(bad.names);
    expect(await services.registry.listTags(`bad/${bad.name}/learner`)).toEqual([]);
  });

  it('refuses a symbolic link that points outside the repo, naming it', async () => {
    const repo = await createFixtureRepo(services.git, { owner: 'bad', name: 'escaping-link', from: EXAMPLE });
    await symlink('/etc/passwd', `${repo.workDir}/passwords`);
    const { addCommit } = await import('../helpers/fixture-repo.js');
    await addCommit(repo, {});
    const run = await runBuilder(builderArgs(services, repo.url, 'bad-link', ['--dry-run']));
    expect(run.exitCode).not.toBe(0);
    const failed = await failedPayload('bad-link');
    expect(String(failed.error_msg)).toContain('passwords');
  });

  it('fails clone with CLONE_FAILED for a repo that does not exist', async () => {
    const run = await runBuilder(builderArgs(services, services.git.urlFor('nobody/nothing'), 'no-repo'));
    expect(run.exitCode).toBe(10);
    expect(await failedPayload('no-repo')).toMatchObject({ phase: 'clone', code: 'CLONE_FAILED' });
  });

  it('fails clone with REF_NOT_FOUND for a branch that does not exist', async () => {
    const repo = await createFixtureRepo(services.git, { owner: 'ok', name: 'wrong-ref', from: EXAMPLE });
    const run = await runBuilder(builderArgs(services, repo.url, 'wrong-ref', ['--ref', 'no-such-branch']));
    expect(run.exitCode).toBe(10);
    expect(await failedPayload('wrong-ref')).toMatchObject({ phase: 'clone', code: 'REF_NOT_FOUND' });
  });

  it('fails in seconds, before any build, when the registry cannot be reached', async () => {
    const repo = await createFixtureRepo(services.git, { owner: 'ok', name: 'dead-registry', from: EXAMPLE });
    const args = builderArgs(services, repo.url, 'dead-registry');
    args[1] = `http://127.0.0.1:${await freePort()}`;
    const run = await runBuilder(args);
    expect(run.exitCode).toBe(10);
    expect(run.durationMs).toBeLessThan(15_000);
    expect(await failedPayload('dead-registry')).toMatchObject({ phase: 'clone', code: 'REGISTRY_UNREACHABLE' });
  });

  it('exits 2 on bad arguments and publishes nothing', async () => {
    const run = await runBuilder(['ftp://example/x/y', services.registry.url, '../escape', '127.0.0.1', String(services.broker.port), 'observer']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('repo_url');
    expect(run.stderr).toContain('project_id');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(services.mqtt.messages.some((m) => m.payload.includes('../escape'))).toBe(false);
  });

  it('still finishes when neither the broker nor the observer can be reached', async () => {
    const repo = await createFixtureRepo(services.git, { owner: 'ok', name: 'no-peers', from: EXAMPLE });
    const args = builderArgs(services, repo.url, 'no-peers', ['--dry-run']);
    args[4] = String(await freePort());
    args[5] = `127.0.0.1:${await freePort()}`;
    const run = await runBuilder(args, {}, 60_000);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('not delivered');
  });
});
