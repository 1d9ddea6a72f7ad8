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
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
