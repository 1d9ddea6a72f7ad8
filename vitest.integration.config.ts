import { defineConfig } from 'vitest/config';

// Tests against real parts (mosquitto, the registry, git daemon, buildah, MLflow, Arrow Flight): they share buildah's
// storage and the machine's cores, so one file runs at a time.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts', 'test/*.test.ts'],
    fileParallelism: false,
    globalSetup: ['test/global-images.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
