// A build plan: its phases keyed by name with their typed results, run in the order of the phase table.

import type { Job } from '../job.js';
import type { PhaseBehaviour } from '../phases/phase.js';
import type { Logger } from '../report/logger.js';
import type { PhaseName, PlanName } from './phase-table.js';

/** One phase of a plan: its behaviour and how it is run on the results of the phases before it. */
export interface PlanPhase<R, K extends keyof R> extends PhaseBehaviour<R[K]> {
  readonly run: (job: Job, done: Partial<R>, log: Logger) => Promise<R[K]>;
}

/** The phases of a plan, `R` mapping each phase name to its result. */
export interface Plan<R> {
  readonly name: PlanName;
  /** The names in the order they run (from the phase table). */
  readonly order: readonly (keyof R & PhaseName)[];
  readonly phases: { readonly [K in keyof R]: PlanPhase<R, K> };
}

/** The result of an earlier phase; the plan's order guarantees it is there. */
export function need<T>(result: T | undefined, phase: PhaseName): T {
  if (result === undefined) throw new Error(`internal: phase ${phase} has not run`);
  return result;
}
