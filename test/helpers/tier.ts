// The suite's two tiers. `core` (the default, what `.ci/run` runs) holds every contract test and one real case of
// each slow kind of work; `full` (FLOPS_TEST_TIER=full) adds the cases whose point is that slow work done again in
// another way: cold builds in an empty storage, a second platform under emulation, each further MLflow release,
// SIF compression. A full-tier test is the same code run against the same real parts: it is skipped in `core`, not
// changed, so it can fail as it could before (docs/contributing.md, "Tiers").

import { it } from 'vitest';

export type TestTier = 'core' | 'full';

/** The tier this run asked for; anything but `full` is `core`. */
export const TEST_TIER: TestTier = process.env.FLOPS_TEST_TIER === 'full' ? 'full' : 'core';

/** True in a full-tier run. */
export const FULL_TIER = TEST_TIER === 'full';

/** `it` for a test that runs only in the full tier (reported as skipped in `core`). */
export const fullTierIt = it.runIf(FULL_TIER);
