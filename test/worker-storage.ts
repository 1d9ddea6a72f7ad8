// Runs in each worker before its test file's modules load: with files in parallel, this worker's builders, buildah
// calls and scripts use the worker's own storage (test/helpers/worker-storage.ts), which test/global-images.ts made.

import { TEST_WORKERS, workerStorageConf } from './helpers/worker-storage.js';

// Pool ids count from 1; folded into 1..N in case a recycled worker is numbered past N.
const id = ((Number(process.env.VITEST_POOL_ID ?? '1') - 1) % TEST_WORKERS) + 1;
if (TEST_WORKERS > 1) process.env.CONTAINERS_STORAGE_CONF = workerStorageConf(id);
