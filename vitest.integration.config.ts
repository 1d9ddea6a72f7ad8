import { defineConfig } from 'vitest/config';

import { TEST_WORKERS } from './test/helpers/worker-storage.js';

// Tests against real parts (mosquitto, the registry, git daemon, buildah, MLflow, Arrow Flight): one file at a time
// by default; FLOPS_TEST_WORKERS=N runs N at a time, each worker on a buildah storage of its own
// (test/worker-storage.ts), as one storage cannot hold two jobs (src/leftovers.ts).
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts', 'test/*.test.ts'],
    fileParallelism: TEST_WORKERS > 1,
    poolOptions: { forks: { maxForks: TEST_WORKERS, minForks: 1 } },
    globalSetup: ['test/global-images.ts'],
    setupFiles: ['test/worker-storage.ts'],
    pool: 'forks',
    // Only a guard against a test that hangs: the times a test checks are its own assertions. A dry run resolves
    // the lock, 10–20 s on a quiet machine and more on a loaded one, which a 30 s default failed (faults' broker test).
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
