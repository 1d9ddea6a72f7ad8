// The whole pipeline as a non-root user with a subordinate id range (rootless buildah in a user namespace), against
// the real registry, broker and git daemon; the images hold the same files as a privileged build of the commit.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_RECORD_TAG } from '../../src/images/deps-image.js';
import { MANAGER_TOPICS, progressTopic } from '../../src/report/messages.js';
import { createBuildUser, removeBuildUser } from '../helpers/build-user.js';
import { createFixtureRepo, type FixtureRepo } from '../helpers/fixture-repo.js';
import { type FileTree, imageTree, treeDifferences } from '../helpers/image-tree.js';
import { type BuildUser, runBuilder } from '../helpers/run-builder.js';
import { builderArgs, type PipelineServices, startPipelineServices } from '../helpers/services.js';
import { MACHINE_CA_BUNDLE } from '../helpers/test-ca.js';
import { fullTierIt } from '../helpers/tier.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/numpy-regression', import.meta.url));
const TIMEOUT = 30 * 60_000;
const ROLES = ['learner', 'aggregator'] as const;

describe('rootless: the builder as a non-root user with a subordinate id range', () => {
  let services: PipelineServices;
  let repo: FixtureRepo;
  let builder: BuildUser;
  let rangeless: BuildUser;
  const privileged = new Map<string, FileTree>();

  beforeAll(async () => {
    services = await startPipelineServices();
    builder = await createBuildUser('flopsrootless', 600_000);
    rangeless = await createBuildUser('flopsnorange');
    repo = await createFixtureRepo(services.git, { owner: 'rootless', name: 'regression', from: EXAMPLE });
  }, 600_000);

  afterAll(async () => {
    await services?.stop();
    await removeBuildUser('flopsrootless');
    await removeBuildUser('flopsnorange');
  });

  // What resolve locked and changed, to name in a failure.
  const resolved = (projectId: string) => {
    const done = services.mqtt.messages
      .filter((m) => m.topic === progressTopic(projectId))
      .map((m) => m.json())
      .find((event) => event.phase === 'resolve' && event.state === 'done');
    return JSON.stringify({ versions: done?.detail?.versions, notes: done?.detail?.notes });
  };
  // Deletes the project's images from the registry (learner, aggregator, dependency images), not its lock records.
  const forgetImagesButLocks = async (): Promise<void> => {
    for (const repository of [...ROLES, 'flops-deps'].map((name) => `rootless/regression/${name}`)) {
      const digests = new Set<string>();
      for (const tag of await services.registry.listTags(repository)) {
        if (!LOCK_RECORD_TAG.test(tag)) digests.add((await services.registry.getManifest(repository, tag)).digest);
      }
      for (const digest of digests) await services.registry.deleteManifest(repository, digest);
    }
  };
  const ref = (role: string): string => `${services.registry.hostPort}/rootless/regression/${role}:${repo.sha}`;
  const args = (projectId: string, extra: readonly string[] = []) =>
    builderArgs(services, repo.url, projectId, ['--ca-cert', MACHINE_CA_BUNDLE, ...extra]);

  // Full tier, with the next test: two cold builds, the second in the user's namespace with a storage and a download
  // cache of its own.
  fullTierIt(
    'builds the commit privileged first, as the reference',
    async () => {
      const run = await runBuilder(args('rootless-reference'), {}, TIMEOUT);
      expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
      for (const role of ROLES) privileged.set(role, await imageTree(ref(role)));
      expect(privileged.get('learner')?.get('/app/model_manager.py')).toMatch(/^f 10001:10001 644 [0-9a-f]{64}$/);
    },
    TIMEOUT,
  );

  fullTierIt(
    'builds and pushes it rootless, in its own storage, with the same files, owners and modes',
    async () => {
      // The images go, so the dependency images are built again, in this user's namespace. The reference's lock
      // stays: both builds install the same versions even if a release comes out between them.
      await forgetImagesButLocks();
      const run = await runBuilder(args('rootless-build'), {}, TIMEOUT, builder);
      expect(run.exitCode, run.stdout.slice(-3000) + run.stderr.slice(-2000)).toBe(0);
      const access = run.logs.find((line) => line.msg === 'Building rootless');
      expect(access).toMatchObject({ mode: 'rootless', user: 'flopsrootless', uid: builder.uid });
      expect(run.logs.filter((line) => line.msg === 'Reusing the dependency image from the registry')).toEqual([]);
      expect(run.logs.filter((line) => line.msg === 'Reused the lock of an earlier build')).toHaveLength(1);
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.success && m.json().flops_project_id === 'rootless-build',
      );
      for (const role of ROLES) {
        const rootless = await imageTree(ref(role));
        const reference = privileged.get(role);
        expect(reference?.size, 'the privileged build ran first').toBeGreaterThan(1000);
        const why = `${role}; resolve of the reference: ${resolved('rootless-reference')}; rootless: ${resolved('rootless-build')}`;
        expect(treeDifferences(reference ?? new Map(), rootless), why).toEqual([]);
      }
    },
    TIMEOUT,
  );

  it('tells a user without a subordinate id range what is missing, in under 5 s, before cloning', async () => {
    const run = await runBuilder(args('rootless-refused'), {}, 60_000, rangeless);
    expect(run.exitCode).toBe(3);
    expect(run.durationMs).toBeLessThan(5_000);
    const failed = (
      await services.mqtt.waitFor(
        (m) => m.topic === MANAGER_TOPICS.failed && m.json().flops_project_id === 'rootless-refused',
      )
    ).json();
    expect(failed).toMatchObject({ code: 'BUILD_ACCESS_MISSING', exit_code: 3 });
    expect(failed.error_msg).toContain('user flopsnorange has no subordinate UID range in /etc/subuid');
    expect(failed.error_msg).toContain('usermod --add-subuids');
    expect(run.logs.some((line) => line.phase === 'clone')).toBe(false);
  });

  it('logs the refusal with its code and reason when notifications are off', async () => {
    const run = await runBuilder(args('rootless-quiet', ['--deactivate-notifications']), {}, 60_000, rangeless);
    expect(run.exitCode).toBe(3);
    const failed = run.logs.filter((line) => line.code === 'BUILD_ACCESS_MISSING');
    expect(failed).toEqual([expect.objectContaining({ level: 'error', exit_code: 3 })]);
    expect(String(failed[0]?.error_msg)).toContain('user flopsnorange has no subordinate UID range in /etc/subuid');
    expect(services.mqtt.messages.filter((m) => m.payload.includes('"rootless-quiet"'))).toEqual([]);
  });
});
