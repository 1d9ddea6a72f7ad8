// The shape every phase module exports beside its run function, so the plans can run every phase alike.

import type { Config } from '../config/config.js';
import type { ErrorCode } from '../errors.js';
import type { Job } from '../job.js';
import type { PhaseEvent } from '../report/messages.js';

/** `, labels a=b c=d` when --label gave any: the inject phases' summaries show them. */
export function labelsSummary(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? `, labels ${pairs.join(' ')}` : '';
}

/** How a phase's failures are coded, how its result is described, and whether it ends the work early. */
export interface PhaseBehaviour<T, C extends Config = Config> {
  /** The code of an unexpected failure inside this phase (one that is not a PhaseError). */
  readonly failureCode: ErrorCode;
  /** The `detail` of the phase's `done` event. */
  readonly describe: (result: T) => PhaseEvent['detail'];
  /** A reason to skip every later phase (images exist already, dry run), or undefined to go on. */
  readonly skipRest?: (result: T, job: Job<C>) => string | undefined;
  /** A reason to skip this phase alone (an option turned it off), or undefined to run it. */
  readonly skip?: (job: Job<C>) => string | undefined;
}
