// Bad arguments and bad repos: each fails fast with its exit code, says why, pushes nothing, writes nothing
// outside its work folder, and runs nothing it was handed (shell metacharacters stay text).

import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LFS_POINTER_PREFIX } from '../../src/context/scan-repo.js';
import { MANAGER_TOPICS } from '../../src/report/messages.js';
import { addCommit, createFixtureRepo, type FileChanges } from '../helpers/fixture-repo.js';
import { type BuilderRun, startBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
// Every case that could run a shell would create this file: in /tmp, or in the run's cwd or home.
const PWNED = 'flops-pwned';
const INJECT = `$(touch /tmp/${PWNED})`;
const LFS_POINTER = `${LFS_POINTER_PREFIX}\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 104857600\n`;

/** Which positional argument or option the case spoils, and how. */
interface ArgumentCase {
  readonly name: string;
  /** Changes the good arguments (repo_url registry project broker port observer …options). */
  readonly spoil: (args: string[]) => string[];
  /** The argument the stderr line must name. */
  readonly names: string;
  /** The project id and broker stay readable, so the failure is published (the manager would wait forever). */
  readonly reported?: false;
}

const at =
  (index: number, value: string) =>
  (args: string[]): string[] =>
    args.map((arg, i) => (i === index ? value : arg));
const plus =
  (...extra: string[]) =>
  (args: string[]): string[] => [...args, ...extra];

const BAD_ARGUMENTS: readonly ArgumentCase[] = [
  { name: 'an ftp repo URL', spoil: at(0, 'ftp://example.org/alice/mnist.git'), names: 'repo_url' },
  { name: 'a file:// repo URL without --allow-file-url', spoil: at(0, 'file:///etc/alice/mnist'), names: 'repo_url' },
  {
    name: 'a repo URL with a command and spaces',
    spoil: at(0, `https://h/alice/m; touch /tmp/${PWNED}`),
    names: 'repo_url',
  },
  {
    name: 'an ssh repo URL whose host is an option',
    spoil: at(0, `ssh://-oProxyCommand=touch\${IFS}/tmp/${PWNED}/alice/mnist`),
    names: 'repo_url',
  },
  {
    name: 'a registry with a command',
    spoil: at(1, `http://127.0.0.1:5000;touch /tmp/${PWNED}`),
    names: 'registry_url',
  },
  { name: 'a registry with a path', spoil: at(1, 'http://127.0.0.1:5000/v2/../x'), names: 'registry_url' },
  { name: 'a project id with traversal', spoil: at(2, '../escape'), names: 'project_id', reported: false },
  { name: 'a project id of 129 characters', spoil: at(2, 'p'.repeat(129)), names: 'project_id', reported: false },
  { name: 'a project id with $(…)', spoil: at(2, `p${INJECT}`), names: 'project_id', reported: false },
  {
    name: 'a project id with backticks',
    spoil: at(2, `p\`touch /tmp/${PWNED}\``),
    names: 'project_id',
    reported: false,
  },
  { name: 'a broker with a pipe', spoil: at(3, `127.0.0.1|touch /tmp/${PWNED}`), names: 'mqtt_ip', reported: false },
  { name: 'a port of 99999', spoil: at(4, '99999'), names: 'mqtt_port', reported: false },
  { name: 'a port with a command', spoil: at(4, `1883;touch /tmp/${PWNED}`), names: 'mqtt_port', reported: false },
  { name: 'an observer with backticks', spoil: at(5, `\`touch /tmp/${PWNED}\`:2727`), names: 'observer_ip' },
  { name: 'a ref that is an option', spoil: plus(`--ref=--upload-pack=touch /tmp/${PWNED}`), names: '--ref' },
  { name: 'a base image that is an option', spoil: plus(`--base-image=--privileged`), names: '--base-image' },
  {
    name: 'a base image template with {python} outside the tag',
    spoil: plus('--base-image=127.0.0.1:5000/python{python}:slim'),
    names: '--base-image',
  },
  {
    name: 'a phase timeout for no phase',
    spoil: plus('--phase-timeout', `compile=${INJECT}`),
    names: '--phase-timeout',
  },
  { name: 'a deadline with a command', spoil: plus('--deadline', INJECT), names: '--deadline' },
  { name: 'an unknown option', spoil: plus('--rm-rf'), names: '--rm-rf' },
];

/** A repo that clones but must not build. */
interface RepoCase {
  readonly name: string;
  readonly files?: FileChanges;
  /** Extra work on the fixture's work tree before it is committed again (links). */
  readonly prepare?: (workDir: string) => Promise<void>;
  readonly options?: readonly string[];
  /** Overrides the repo URL (a repo that does not exist). */
  readonly url?: (good: string) => string;
  readonly exitCode: number;
  readonly phase: string;
  readonly code: string;
  /** What the failed payload's message must name. */
  readonly names: string;
}

const BAD_REPOS: readonly RepoCase[] = [
  {
    name: 'no-model-manager',
    files: { 'model_manager.py': null },
    exitCode: 11,
    phase: 'validate',
    code: 'MODEL_MANAGER_MISSING',
    names: 'model_manager.py',
  },
  {
    name: 'no-env-file',
    files: { 'conda.yaml': null },
    exitCode: 11,
    phase: 'validate',
    code: 'ENV_FILE_MISSING',
    names: 'requirements.txt',
  },
  {
    name: 'broken-yaml',
    files: { 'conda.yaml': 'dependencies: [python=3.11\n  - pip:\n' },
    exitCode: 11,
    phase: 'validate',
    code: 'ENV_FILE_UNREADABLE',
    names: 'conda.yaml',
  },
  {
    name: 'broken-toml',
    files: { 'conda.yaml': null, 'pyproject.toml': '[project\ndependencies = [' },
    exitCode: 11,
    phase: 'validate',
    code: 'ENV_FILE_UNREADABLE',
    names: 'pyproject.toml',
  },
  {
    name: 'python-two',
    files: { 'conda.yaml': 'dependencies:\n  - python=2.7\n  - pip:\n    - numpy\n' },
    exitCode: 11,
    phase: 'validate',
    code: 'PYTHON_UNSUPPORTED',
    names: '2.7',
  },
  {
    name: 'syntax-error',
    files: { 'helpers/broken.py': 'def f(:\n    pass\n' },
    exitCode: 11,
    phase: 'validate',
    code: 'PYTHON_SYNTAX_ERROR',
    names: 'helpers/broken.py',
  },
  {
    name: 'link-to-etc-passwd',
    prepare: async (dir) => symlink('/etc/passwd', join(dir, 'passwords')),
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_LINK_ESCAPES',
    names: 'passwords',
  },
  {
    name: 'env-file-links-out',
    files: { 'conda.yaml': null },
    prepare: async (dir) => symlink('../../../../../../../../etc/hostname', join(dir, 'requirements.txt')),
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_LINK_ESCAPES',
    names: 'requirements.txt',
  },
  {
    name: 'huge-file',
    files: { 'weights/huge.bin': 'x'.repeat(3 * 1024 * 1024) },
    options: ['--max-repo-mb', '2'],
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_TOO_LARGE',
    names: '--max-repo-mb',
  },
  {
    name: 'too-many-files',
    files: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`many/f${i}.txt`, `${i}`])),
    options: ['--max-repo-files', '30'],
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_TOO_LARGE',
    names: '--max-repo-files',
  },
  {
    name: 'lfs-model-manager',
    files: { 'model_manager.py': LFS_POINTER },
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_LFS_POINTER',
    names: 'model_manager.py',
  },
  {
    name: 'lfs-weights',
    files: { 'weights/model.npz': LFS_POINTER },
    exitCode: 11,
    phase: 'validate',
    code: 'REPO_LFS_POINTER',
    names: 'weights/model.npz',
  },
  {
    name: 'missing-method',
    files: {
      'model_manager.py':
        'class ModelManager:\n    def get_model_parameters(self): ...\n    def set_model_parameters(self, p): ...\n    def evaluate_model(self): ...\n    def set_model_data(self): ...\n',
    },
    exitCode: 11,
    phase: 'validate',
    code: 'MODEL_MANAGER_INVALID',
    names: 'fit_model',
  },
  {
    name: 'missing-repo',
    url: (good) => good.replace(/[^/]+\.git$/, 'nothing-here.git'),
    exitCode: 10,
    phase: 'clone',
    code: 'CLONE_FAILED',
    names: 'not found',
  },
  {
    name: 'missing-branch',
    options: ['--ref', 'no-such-branch'],
    exitCode: 10,
    phase: 'clone',
    code: 'REF_NOT_FOUND',
    names: 'no-such-branch',
  },
  {
    name: 'ref-with-a-command',
    options: ['--ref', `main;touch${'${IFS}'}/tmp/${PWNED}`],
    exitCode: 10,
    phase: 'clone',
    code: 'REF_NOT_FOUND',
    names: 'main;touch',
  },
  {
    name: 'url-with-a-command',
    url: (good) => good.replace(/\.git$/, `${INJECT.replaceAll(' ', '')}.git`),
    exitCode: 10,
    phase: 'clone',
    code: 'CLONE_FAILED',
    names: 'not found',
  },
];

describe('bad input', () => {
  let services: PipelineServices;
  let good: string;

  beforeAll(async () => {
    services = await startPipelineServices();
    good = (await createFixtureRepo(services.git, { owner: 'input', name: 'good', from: EXAMPLE })).url;
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
  });

  /** Runs the builder with its temp folder, home and cwd in a fresh sandbox; returns the run and what the sandbox holds after. */
  const runSandboxed = async (
    args: string[],
  ): Promise<{ run: BuilderRun; sandbox: string; leftovers: Record<string, string[]> }> => {
    const sandbox = await makeTempDir('bad-input');
    const dirs = { tmp: join(sandbox, 'tmp'), home: join(sandbox, 'home'), cwd: join(sandbox, 'cwd') };
    for (const dir of Object.values(dirs)) await mkdir(dir);
    const run = await startBuilder(
      [...args, '--workdir', join(sandbox, 'work')],
      { TMPDIR: dirs.tmp, HOME: dirs.home },
      { cwd: dirs.cwd, timeoutMs: 120_000 },
    ).result;
    const leftovers = Object.fromEntries(
      await Promise.all(Object.entries(dirs).map(async ([name, dir]) => [name, await readdir(dir)] as const)),
    );
    return { run, sandbox, leftovers };
  };

  const expectNothingRan = (sandbox: string): void => {
    expect(existsSync(`/tmp/${PWNED}`)).toBe(false);
    expect(existsSync(join(sandbox, 'cwd', PWNED))).toBe(false);
  };

  it.each(BAD_ARGUMENTS)('refuses $name with exit 2 and one line naming $names', async (bad) => {
    const projectId = `arg-${BAD_ARGUMENTS.indexOf(bad)}`;
    const { run, sandbox, leftovers } = await runSandboxed(bad.spoil(builderArgs(services, good, projectId)));
    try {
      expect(run.exitCode, run.stderr).toBe(2);
      const lines = run.stderr.split('\n').filter((line) => line.startsWith('flops-image-builder: '));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(bad.names);
      // stdout is for the logger's JSON lines only.
      expect(run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('{'))).toEqual([]);
      // Logged whether or not it could be published: the log is where an operator looks.
      const logged = run.logs.filter((line) => line.code === 'USAGE');
      expect(logged).toEqual([expect.objectContaining({ exit_code: 2, phase: null })]);
      expect(String(logged[0]?.error_msg)).toContain(bad.names);
      expect(await services.registry.listTags('input/good/learner')).toEqual([]);
      expect(leftovers).toEqual({ tmp: [], home: [], cwd: [] });
      expect(existsSync(join(sandbox, 'work'))).toBe(false);
      expectNothingRan(sandbox);
      // A usage error is published when the project and broker can be read: the manager would wait forever.
      const published = services.mqtt.messages.filter((m) => m.payload.includes(`"${projectId}"`));
      if (bad.reported === false) {
        expect(published).toEqual([]);
      } else {
        const failed = published.find((m) => m.topic === MANAGER_TOPICS.failed)?.json();
        expect(failed).toMatchObject({ flops_project_id: projectId, code: 'USAGE', exit_code: 2, phase: null });
        expect(failed.error_msg).toContain(bad.names);
      }
    } finally {
      await removeTempDir(sandbox);
    }
  });

  it.each(BAD_REPOS)('fails a repo with $name in $phase with $code, naming $names', async (bad) => {
    const repo = await createFixtureRepo(services.git, {
      owner: 'input',
      name: bad.name,
      from: EXAMPLE,
      files: bad.files ?? {},
    });
    if (bad.prepare) {
      await bad.prepare(repo.workDir);
      await addCommit(repo, {});
    }
    const projectId = `repo-${bad.name}`;
    const url = bad.url ? bad.url(repo.url) : repo.url;
    const { run, sandbox, leftovers } = await runSandboxed(
      builderArgs(services, url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE, ...(bad.options ?? [])]),
    );
    try {
      expect(run.exitCode, run.stdout.slice(-2000)).toBe(bad.exitCode);
      const failed = (
        await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId)
      ).json();
      expect(failed).toMatchObject({ phase: bad.phase, code: bad.code, exit_code: bad.exitCode });
      expect(String(failed.error_msg)).toContain(bad.names);
      expect(await services.registry.listTags(`input/${bad.name}/learner`)).toEqual([]);
      expect(await services.registry.listTags(`input/${bad.name}/aggregator`)).toEqual([]);
      // Only the work folder holds anything: the private folder in TMPDIR is gone, home and cwd untouched.
      expect(leftovers).toEqual({ tmp: [], home: [], cwd: [] });
      expectNothingRan(sandbox);
    } finally {
      await removeTempDir(sandbox);
    }
  });

  it('has at least 20 cases', () => {
    expect(BAD_ARGUMENTS.length + BAD_REPOS.length).toBeGreaterThanOrEqual(20);
  });
});
