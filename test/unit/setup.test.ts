// The job's folders: what --download-cache links into them, and that clean-up removes the links, not the cache.

import { access, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareJob } from '../../src/setup.js';
import { ARGS, run } from '../helpers/load-config.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const scratch = await makeTempDir('unit-setup');
afterAll(() => removeTempDir(scratch));

describe('prepareJob', () => {
  it("links buildah's cache-mount folders to --download-cache, and clean-up keeps what was cached", async () => {
    const cache = join(scratch, 'downloads', 'made-if-missing');
    const config = run([...ARGS, '--download-cache', cache]);
    const { job, cleanup } = await prepareJob(config, {}, pino({ level: 'silent' }), new AbortController().signal);
    const toolTmp = job.toolEnv.TMPDIR as string;
    const names = ['buildah-cache', `buildah-cache-${process.getuid?.() ?? 0}`];
    for (const name of names) expect(await readlink(join(toolTmp, name))).toBe(cache);
    await writeFile(join(toolTmp, 'buildah-cache', 'wheel'), 'cached');
    // The installs keep their downloads there, copying from them.
    expect(await readFile(job.buildSecrets.envFile, 'utf8')).toBe('UV_LINK_MODE=copy\n');

    await cleanup();
    await expect(access(job.privateDir)).rejects.toThrow();
    expect(await readFile(join(cache, 'wheel'), 'utf8')).toBe('cached');
  });

  it('keeps the cache in the job folder when no --download-cache is given', async () => {
    const { job, cleanup } = await prepareJob(run(ARGS), {}, pino({ level: 'silent' }), new AbortController().signal);
    await expect(readlink(join(job.toolEnv.TMPDIR as string, 'buildah-cache'))).rejects.toThrow();
    // One platform, nothing kept: nothing reads a download again, so uv keeps none.
    expect(await readFile(job.buildSecrets.envFile, 'utf8')).toBe('UV_NO_CACHE=1\n');
    await cleanup();
  });

  it("keeps uv's cache for a job of two platforms, whose pure-Python wheels are the same, after the user's settings", async () => {
    const config = run([...ARGS, '--supported_platforms=linux/amd64,linux/arm64'], {
      PIP_INDEX_URL: 'https://index.example/simple',
    });
    const { job, cleanup } = await prepareJob(config, {}, pino({ level: 'silent' }), new AbortController().signal);
    expect(await readFile(job.buildSecrets.envFile, 'utf8')).toBe(
      'PIP_INDEX_URL=https://index.example/simple\nUV_LINK_MODE=copy\n',
    );
    expect(job.buildSecrets.envFile).toBe(join(job.buildSecrets.dir, 'flops-env'));
    await cleanup();
  });

  it("gives the job's tools the host's variables, buildah's and its own TMPDIR, and leaves the configuration as read", async () => {
    const config = run(ARGS, { PATH: '/usr/bin', HOME: '/home/builder', STORAGE_DRIVER: 'vfs' });
    const { job, cleanup } = await prepareJob(
      config,
      { STORAGE_DRIVER: 'overlay' },
      pino({ level: 'silent' }),
      new AbortController().signal,
    );
    expect(job.config).toBe(config);
    expect(job.toolEnv).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/builder',
      STORAGE_DRIVER: 'overlay',
      TMPDIR: join(job.privateDir, 'tmp'),
    });
    expect(job.buildah.env).toMatchObject(job.toolEnv);
    expect(config.hostEnv).toEqual({ PATH: '/usr/bin', HOME: '/home/builder', STORAGE_DRIVER: 'vfs' });
    await cleanup();
  });
});
