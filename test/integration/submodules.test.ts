// Submodules are not fetched unless asked, and no .git of any depth reaches a build context.

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommit, createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { startGitDaemon, type TestGitDaemon } from '../helpers/git-daemon.js';
import { runBuilder } from '../helpers/run-builder.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));

describe('submodules', () => {
  let git: TestGitDaemon;
  let repo: FixtureRepo;
  let tmp: string;

  beforeAll(async () => {
    git = await startGitDaemon();
    tmp = await makeTempDir('submodules');
    const library = await createFixtureRepo(git, {
      owner: 'sub',
      name: 'library',
      files: { 'helpers.py': 'VALUE = 1\n' },
    });
    repo = await createFixtureRepo(git, { owner: 'sub', name: 'project', from: EXAMPLE });
    await execa('git', ['-c', 'protocol.allow=always', 'submodule', '--quiet', 'add', library.url, 'vendor/library'], {
      cwd: repo.workDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      extendEnv: false,
    });
    await addCommit(repo, {}, 'add a submodule');
  }, 120_000);

  afterAll(async () => {
    await git?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  const dryRun = async (name: string, extra: string[]): Promise<string> => {
    const workdir = join(tmp, name);
    const run = await runBuilder([
      repo.url,
      'http://127.0.0.1:1',
      'sub-project',
      '127.0.0.1',
      '127.0.0.1',
      '--deactivate-notifications',
      '--dry-run',
      '--skip-resolve',
      '--workdir',
      workdir,
      ...extra,
    ]);
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(0);
    return workdir;
  };

  it('does not fetch them by default', async () => {
    const workdir = await dryRun('default', []);
    expect(await readdir(join(workdir, 'repo', 'vendor', 'library'))).toEqual([]);
  });

  it('fetches them with --submodules, and copies their files without their .git', async () => {
    const workdir = await dryRun('asked', ['--submodules']);
    expect(existsSync(join(workdir, 'repo', 'vendor', 'library', 'helpers.py'))).toBe(true);
    expect(existsSync(join(workdir, 'repo', 'vendor', 'library', '.git'))).toBe(true);
    expect(existsSync(join(workdir, 'context', 'repo', 'vendor', 'library', 'helpers.py'))).toBe(true);
    expect(existsSync(join(workdir, 'context', 'repo', 'vendor', 'library', '.git'))).toBe(false);
  });
});
