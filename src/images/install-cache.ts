// buildah's cache mounts of this job (uv's downloads and unpacked wheels: half a gigabyte of small files for the
// example repo) are kept in the job's private TMPDIR and went with it when the job ended, 3 to 7 s after the last
// push. Once no install is left to run, they are moved aside and removed while the layers are still being pushed.

import { lstat, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../job.js';

/**
 * Removes the job's own cache mounts; never the operator's (--download-cache links them elsewhere). A build that
 * asks for a cache afterwards gets a new, empty one. Never throws: what is left goes with the job's folder.
 */
export async function dropInstallCaches(job: Job): Promise<void> {
  const tmp = job.toolEnv.TMPDIR;
  if (tmp === undefined || job.config.downloadCache !== undefined) return;
  // buildah 1.28 names the folder "buildah-cache", later releases "buildah-cache-<uid>" (as setup.ts links them).
  const names = ['buildah-cache', `buildah-cache-${process.getuid?.() ?? 0}`];
  await Promise.all(
    names.map(async (name) => {
      const folder = join(tmp, name);
      const found = await lstat(folder).catch(() => undefined);
      if (found === undefined || !found.isDirectory()) return;
      const aside = `${folder}-dropped-${process.hrtime.bigint()}`;
      try {
        await rename(folder, aside);
        await rm(aside, { recursive: true, force: true });
      } catch (error) {
        job.log.debug({ folder, err: error }, 'Could not remove the build cache yet; it goes with the job');
      }
    }),
  );
}
