// Files run FLOPS_TEST_WORKERS at a time (default 1), each worker on a buildah storage of its own: a builder job
// removes every working container that appears in its storage while it runs (src/leftovers.ts), so two files on one
// storage would break each other's builds. The storages stay between runs, as the machine's own does, so that the
// test bases made in them are made once.
// No import of ./buildah.js here: test/worker-storage.ts sets the storage before that module reads it.

import { join } from 'node:path';

/** How many files run at a time. */
export const TEST_WORKERS = Math.max(1, Number.parseInt(process.env.FLOPS_TEST_WORKERS ?? '1', 10) || 1);

/** The folder holding each worker's storage (FLOPS_TEST_WORKER_STORAGE; one per checkout that runs in parallel). */
const ROOT = process.env.FLOPS_TEST_WORKER_STORAGE || '/var/tmp/flops-test-workers';

/** The storage.conf of worker `id` (vitest's VITEST_POOL_ID, 1 to TEST_WORKERS). */
export function workerStorageConf(id: number): string {
  return join(ROOT, `worker-${id}.conf`);
}

/** storage.conf's text for worker `id`. */
export function workerStorageText(id: number): string {
  const dir = join(ROOT, `worker-${id}`);
  return `[storage]\ndriver = "overlay"\nrunroot = "${dir}/run"\ngraphroot = "${dir}/graph"\n`;
}

/** Every worker's storage.conf, when files run in parallel; none when they run one at a time. */
export function workerStorageConfs(): string[] {
  if (TEST_WORKERS === 1) return [];
  return Array.from({ length: TEST_WORKERS }, (_, at) => workerStorageConf(at + 1));
}
