// What resolve leaves for the build: one platform's locks.

import type { Lock } from '../deps/lock.js';

/** The locks of one platform. */
export interface PlatformLock {
  readonly platform: string;
  /** What every image of the plan installs (the learner's set). */
  readonly base: Lock;
  /** The aggregator's own layer (empty for one-image plans). */
  readonly extras: Lock;
  /** Requirements with only source releases, installed (and built) in the image after the lock. */
  readonly unlocked: readonly string[];
  /** Pins moved for this platform only: an MLflow snapshot's pin without a wheel here (resolve/pin-moves). */
  readonly moved: readonly string[];
  readonly inputsHash: string;
  /** Found in the registry, from an earlier build with the same inputs. */
  readonly reused: boolean;
  /** Versions that differ from the first platform's lock (`numpy 1.26.4 → 2.0.1`). */
  readonly differs: readonly string[];
}
