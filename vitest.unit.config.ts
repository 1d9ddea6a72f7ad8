import { defineConfig } from 'vitest/config';

// Unit tests, and the deploy manifests' offline checks: no shared services, so files run in parallel.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/deploy/**/*.test.ts'],
    pool: 'threads',
    testTimeout: 30_000,
  },
});
