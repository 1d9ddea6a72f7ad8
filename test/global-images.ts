// The run's shared fixtures, made once before the first file and removed after the last.
//
// The images the integration files pull from and push to their own registries stay in buildah's storage until the
// run ends, as they stay in a node's storage from one job to the next: a later file's build of the same example
// then finds its dependency images' copy steps cached (about 13 s each). They are removed once, before and after,
// with the install stages those builds tagged locally (their tags hash the registry's port, so no later run
// would name them again).
//
// With FLOPS_TEST_WORKERS=N, files run N at a time, each worker on a buildah storage of its own
// (test/helpers/worker-storage.ts): this writes their storage.conf files.
//
// One download cache for the run (uv's wheels, as `--download-cache` keeps them on a node): every builder that
// test/helpers/run-builder.ts starts as root uses it unless its test names its own, so a wheel the index serves is
// downloaded once per run, not once per cold build. It starts empty in every run, so the run's first build of each
// wheel still goes through the index, the proxy and its CA.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { INSTALL_REPOSITORY } from '../src/context/deps-context.js';
import { removeImages } from './helpers/buildah.js';
import { LOOPBACK } from './helpers/ports.js';
import { RUN_DOWNLOAD_CACHE } from './helpers/run-builder.js';
import { workerStorageConfs, workerStorageText } from './helpers/worker-storage.js';

const TEST_IMAGES = [`${LOOPBACK}:`, `${INSTALL_REPOSITORY}:`];

// FLOPS_TEST_KEEP_IMAGES=1 skips the removal, for a run of one file beside another run on the same storage
// (a second checkout's tests): removing by prefix would take the other run's images from under it.
// With files in parallel, each worker's storage too.
async function removeTestImages(): Promise<void> {
  if (process.env.FLOPS_TEST_KEEP_IMAGES === '1') return;
  for (const storageConf of [undefined, ...workerStorageConfs()]) {
    for (const prefix of TEST_IMAGES) await removeImages(prefix, storageConf);
  }
}

let downloadCache: string | undefined;

export async function setup(): Promise<void> {
  for (const [at, conf] of workerStorageConfs().entries()) {
    await mkdir(dirname(conf), { recursive: true });
    await writeFile(conf, workerStorageText(at + 1));
  }
  await removeTestImages();
  // The test files run in forks started after this: they inherit the variable.
  downloadCache = await mkdtemp(join(tmpdir(), 'flops-test-downloads-'));
  process.env[RUN_DOWNLOAD_CACHE] = downloadCache;
}

export async function teardown(): Promise<void> {
  if (downloadCache) await rm(downloadCache, { recursive: true, force: true });
  await removeTestImages();
}
