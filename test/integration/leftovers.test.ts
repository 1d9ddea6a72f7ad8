// What a killed build leaves in buildah's storage is found and removed; --prune-images removes what the job built.

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { deriveImageNames } from '../../src/images/image-names.js';
import type { Job } from '../../src/job.js';
import { removeLeftovers, snapshotStorage } from '../../src/leftovers.js';
import { Buildah } from '../../src/tools/buildah.js';
import { ensureBaseImage, LOCAL_BASE_IMAGE } from '../helpers/base-image.js';
import { buildah } from '../helpers/buildah.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const SHA = 'f'.repeat(40);
const storageConf = process.env.CONTAINERS_STORAGE_CONF
  ? { CONTAINERS_STORAGE_CONF: process.env.CONTAINERS_STORAGE_CONF }
  : {};

describe('removeLeftovers', () => {
  let registry: TestRegistry;
  let tmp: string;

  beforeAll(async () => {
    // Only to be sure the local test base image exists.
    registry = await startRegistry();
    await ensureBaseImage(registry);
    tmp = await makeTempDir('leftovers');
  }, 600_000);

  afterAll(async () => {
    await registry?.stop();
    if (tmp) await removeTempDir(tmp);
  });

  const jobFor = (extra: string[]): Job => {
    const invocation = loadConfig(
      ['https://h/leftovers/repo', 'registry.invalid:5000', 'proj-1', 'broker', 'observer', ...extra],
      // The storage the test's own buildah calls use (test/helpers/buildah.ts).
      { PATH: process.env.PATH ?? '/usr/bin:/bin', ...storageConf },
    );
    if (invocation.kind !== 'run') throw new Error('no config');
    return {
      config: invocation.config,
      privateDir: tmp,
      log: pino({ level: 'silent' }),
      registryAccess: { registriesConf: undefined },
      buildah: new Buildah(invocation.config.hostEnv, undefined, tmp),
    } as unknown as Job;
  };
  const containerNames = async (): Promise<string[]> =>
    ((JSON.parse((await buildah(['containers', '--json'])) || 'null') as { containername: string }[] | null) ?? []).map(
      (c) => c.containername,
    );
  const imageNames = async (): Promise<string> => buildah(['images', '--format', '{{.Name}}:{{.Tag}}']);

  it('removes the working containers made after the job started, and keeps those made before', async () => {
    const older = await buildah([
      'from',
      '--pull=never',
      '--name',
      'flops-test-older-working-container',
      LOCAL_BASE_IMAGE,
    ]);
    try {
      const job = jobFor([]);
      const before = await snapshotStorage(job);
      // The second one gets a numbered name ("…-working-container-1"), as a second stage of a build does.
      const left = [
        await buildah(['from', '--pull=never', LOCAL_BASE_IMAGE]),
        await buildah(['from', '--pull=never', LOCAL_BASE_IMAGE]),
      ];
      expect(left[1]).toMatch(/-working-container-\d+$/);
      expect(await containerNames()).toEqual(expect.arrayContaining(left));
      await removeLeftovers(job, before, []);
      const after = await containerNames();
      for (const name of left) expect(after).not.toContain(name);
      expect(await containerNames()).toContain(older);
    } finally {
      await buildah(['rm', older]).catch(() => '');
    }
  });

  it('with --prune-images, removes the learner, aggregator and base tags of the job and the layers it made', async () => {
    const job = jobFor(['--prune-images']);
    const before = await snapshotStorage(job);
    if (job.config.plan !== 'fl_actors') throw new Error('expected fl_actors');
    const images = deriveImageNames(job.config.repo, job.config.registry.hostPort, SHA);
    const container = await buildah(['from', '--pull=never', LOCAL_BASE_IMAGE]);
    try {
      await buildah(['run', '--isolation', 'chroot', container, '--', 'sh', '-c', 'echo layer > /flops-layer']);
      const intermediate = await buildah(['commit', '--quiet', container]);
      for (const name of [images.learner, images.aggregator, `localhost/flops-test/leftovers-deps:${SHA}`])
        await buildah(['commit', '--quiet', container, name]);
      await removeLeftovers(job, before, [
        images.learner,
        images.aggregator,
        `localhost/flops-test/leftovers-deps:${SHA}`,
      ]);
      const after = await imageNames();
      for (const name of [images.learner, images.aggregator, `localhost/flops-test/leftovers-deps:${SHA}`])
        expect(after).not.toContain(name.split(':')[0]);
      expect(await buildah(['images', '--all', '--quiet', '--no-trunc'])).not.toContain(
        intermediate.replace(/^sha256:/, ''),
      );
      // The image it started from was there before the job: it stays.
      expect(after).toContain(LOCAL_BASE_IMAGE.split(':')[0]);
    } finally {
      await buildah(['rm', container]).catch(() => '');
    }
  });
});
