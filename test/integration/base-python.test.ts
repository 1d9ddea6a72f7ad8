// The python of the base image, read from what the image says in the real registry: a pinned python the base lacks
// is refused in validate before anything is locked, and a {python} template is filled with a python the mirror holds.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/images/labels.js';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { pushBaseStating } from '../helpers/base-image.js';
import { createFixtureRepo } from '../helpers/fixture-repo.js';
import { runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const TIMEOUT = 20 * 60_000;
// Upstream's examples pin their python in conda.yaml like this.
const condaYaml = async (python: string): Promise<string> =>
  (await readFile(`${EXAMPLE}/conda.yaml`, 'utf8')).replace(/- python=[0-9.]+/, `- python${python}`);

describe('the base image python', () => {
  let services: PipelineServices;
  // The mirror: library/python holds 3.10-slim (stating 3.10.14) and 3.11-slim (stating 3.11.2), no 3.12 or 3.9.
  let mirror: string;

  beforeAll(async () => {
    services = await startPipelineServices();
    await pushBaseStating(services.registry, 'mirror/python', '3.10-slim', '3.10.14');
    await pushBaseStating(services.registry, 'mirror/python', '3.11-slim', '3.11.2');
    mirror = `${services.registry.hostPort}/mirror/python`;
  }, 900_000);

  afterAll(async () => {
    await services?.stop();
  });

  /** builderArgs with `base` as --base-image in place of the services' own base. */
  const args = (url: string, projectId: string, base: string, extra: readonly string[] = []): string[] => {
    const all = builderArgs(services, url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE, ...extra]);
    all[all.indexOf('--base-image') + 1] = base;
    return all;
  };
  const events = (projectId: string) =>
    services.mqtt.messages.filter((m) => m.topic === progressTopic(projectId)).map((m) => m.json());
  const failedOf = async (projectId: string) =>
    (
      await services.mqtt.waitFor((m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === projectId)
    ).json();

  it('refuses a pinned python=3.10.14 on a base stating python 3.11 in validate (exit 11), nothing locked', async () => {
    const repo = await createFixtureRepo(services.git, {
      owner: 'pybase',
      name: 'pinned',
      from: EXAMPLE,
      files: { 'conda.yaml': await condaYaml('=3.10.14') },
    });
    const run = await runBuilder(args(repo.url, 'pybase-pinned', `${mirror}:3.11-slim`), {}, TIMEOUT);
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(11);
    const failed = await failedOf('pybase-pinned');
    expect(failed).toMatchObject({ phase: 'validate', code: 'BASE_IMAGE_PYTHON_MISMATCH', exit_code: 11 });
    expect(failed.error_msg).toContain('python =3.10.14');
    expect(failed.error_msg).toContain(`${mirror}:3.11-slim has python 3.11.2`);
    // Failed where the python is chosen: no later phase started, no lock record or image in the registry.
    expect(events('pybase-pinned').map((event) => `${event.phase} ${event.state}`)).toEqual([
      'clone started',
      'clone done',
      'validate started',
      'validate failed',
    ]);
    expect(await services.registry.listTags('pybase/pinned/flops-deps')).toEqual([]);
    expect(await services.registry.listTags('pybase/pinned/learner')).toEqual([]);
    expect(
      run.logs.filter((line) => line.code === 'BASE_IMAGE_PYTHON_MISMATCH' && line.level === 'error').length,
    ).toBeGreaterThan(0);
  });

  it(
    'fills a {python} template with the newest python the mirror holds that the repo allows, and builds on it',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'pybase',
        name: 'ranged',
        from: EXAMPLE,
        files: { 'conda.yaml': await condaYaml('>=3.10') },
      });
      // 3.12 is allowed and preferred, but the mirror has no 3.12-slim: 3.11, not 3.10.
      const run = await runBuilder(args(repo.url, 'pybase-ranged', `${mirror}:{python}-slim`), {}, TIMEOUT);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      const done = (phase: string) =>
        events('pybase-ranged').find((event) => event.phase === phase && event.state === 'done')?.detail;
      expect(done('validate')).toMatchObject({ python_version: '3.11' });
      expect(String(done('validate')?.summary)).toContain(`not 3.12: the base image ${mirror}:3.11-slim has 3.11`);
      expect(done('patch')).toMatchObject({ base_image: `${mirror}:3.11-slim`, python_version: '3.11' });
      const labels = await services.registry.getConfigLabels('pybase/ranged/learner', repo.sha);
      expect(labels[LABELS.pythonVersion]).toBe('3.11');
    },
    TIMEOUT,
  );

  it(
    'picks the 3.10 tag for python=3.10.14, and the build uses the base python alone: uv downloads none',
    async () => {
      const repo = await createFixtureRepo(services.git, {
        owner: 'pybase',
        name: 'older',
        from: EXAMPLE,
        files: { 'conda.yaml': await condaYaml('=3.10.14') },
      });
      // The 3.10-slim tag states 3.10.14 but holds the Debian base's 3.11: the build must fail naming the python,
      // never reach for a download (which here would fail on DNS, as the job did).
      const run = await runBuilder(
        args(repo.url, 'pybase-older', `${mirror}:{python}-slim`, ['--skip-resolve']),
        {},
        TIMEOUT,
      );
      const done = (phase: string) =>
        events('pybase-older').find((event) => event.phase === phase && event.state === 'done')?.detail;
      expect(done('validate')).toMatchObject({ python_version: '3.10' });
      expect(done('patch')).toMatchObject({ base_image: `${mirror}:3.10-slim` });
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(14);
      const failed = await failedOf('pybase-older');
      expect(failed).toMatchObject({ phase: 'build', code: 'BUILD_FAILED' });
      expect(failed.error_msg).toContain('No interpreter found for Python 3.10');
      expect(failed.error_msg).not.toMatch(/failed to download|github\.com|dns|resolve host/i);
    },
    TIMEOUT,
  );
});
