// A registry that needs credentials: they come from the environment, work for pulls and pushes, and never show.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../helpers/base-image.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { startGitDaemon, type TestGitDaemon } from '../helpers/git-daemon.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runBuilder } from '../helpers/run-builder.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const USER = 'flops-ci';
const PASSWORD = 'pa$$word "with" quotes-8128';

describe('a registry that needs credentials', () => {
  let registry: TestRegistry;
  let git: TestGitDaemon;
  let repo: FixtureRepo;
  let baseImage: string;
  let tmp: string;

  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { user: USER, password: PASSWORD } });
    git = await startGitDaemon();
    tmp = await makeTempDir('registry-auth');
    baseImage = await ensureBaseImage(registry);
    repo = await createFixtureRepo(git, { owner: 'secure', name: 'regression', from: EXAMPLE });
  }, 600_000);

  afterAll(async () => {
    await registry?.stop();
    await git?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  const args = (): string[] => [
    repo.url,
    registry.url,
    'auth-project',
    '127.0.0.1',
    '127.0.0.1',
    '--deactivate-notifications',
    '--base-image',
    baseImage,
    '--result-file',
    `${tmp}/result.json`,
    '--ca-cert',
    MACHINE_CA_BUNDLE,
  ];

  it('fails clone in seconds with REGISTRY_AUTH_FAILED when the password is wrong', async () => {
    const run = await runBuilder(args(), { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: 'wrong-password-1234' });
    expect(run.exitCode).toBe(10);
    const result = JSON.parse(await readFile(`${tmp}/result.json`, 'utf8'));
    expect(result).toMatchObject({ status: 'failed', phase: 'clone', code: 'REGISTRY_AUTH_FAILED' });
    expect(run.stdout + run.stderr).not.toContain('wrong-password-1234');
  });

  it(
    'pulls the base image and pushes both images with the credentials, without printing them',
    async () => {
      const run = await runBuilder(args(), { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD }, 20 * 60_000);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      expect(await registry.listTags('secure/regression/learner')).toEqual([repo.sha]);
      expect(await registry.listTags('secure/regression/aggregator')).toEqual([repo.sha]);
      const everything = run.stdout + run.stderr + (await readFile(`${tmp}/result.json`, 'utf8'));
      expect(everything).not.toContain(PASSWORD);
      expect(everything).not.toContain(JSON.stringify(PASSWORD).slice(1, -1));
    },
    20 * 60_000,
  );
});
