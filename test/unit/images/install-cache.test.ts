import { lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { dropInstallCaches } from '../../../src/images/install-cache.js';
import type { Job } from '../../../src/job.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const scratch = await makeTempDir('install-cache');
afterAll(() => removeTempDir(scratch));

const jobIn = (tmp: string, downloadCache?: string): Job =>
  ({ toolEnv: { TMPDIR: tmp }, config: { downloadCache }, log: pino({ enabled: false }) }) as unknown as Job;

describe('dropInstallCaches', () => {
  it("removes the job's own cache mounts, whichever name buildah gave them, and nothing else", async () => {
    const tmp = join(scratch, 'own');
    const uid = process.getuid?.() ?? 0;
    for (const name of ['buildah-cache', `buildah-cache-${uid}`]) {
      await mkdir(join(tmp, name, 'a1b2', 'archive-v0'), { recursive: true });
      await writeFile(join(tmp, name, 'a1b2', 'archive-v0', 'numpy.py'), 'x');
    }
    await writeFile(join(tmp, 'other'), 'kept');
    await dropInstallCaches(jobIn(tmp));
    expect(await readdir(tmp)).toEqual(['other']);
  });

  it("leaves the operator's --download-cache, linked into the job's folder, as it is", async () => {
    const tmp = join(scratch, 'operator');
    const cache = join(scratch, 'operator-cache');
    await mkdir(join(cache, 'a1b2'), { recursive: true });
    await mkdir(tmp, { recursive: true });
    await symlink(cache, join(tmp, 'buildah-cache'));
    await dropInstallCaches(jobIn(tmp, cache));
    expect((await lstat(join(tmp, 'buildah-cache'))).isSymbolicLink()).toBe(true);
    expect(await readdir(cache)).toEqual(['a1b2']);
  });

  it('does nothing when no build made a cache', async () => {
    const tmp = join(scratch, 'none');
    await mkdir(tmp, { recursive: true });
    await expect(dropInstallCaches(jobIn(tmp))).resolves.toBeUndefined();
  });
});
