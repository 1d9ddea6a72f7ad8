// A build plan: its phases keyed by name with their typed results, run in the order of the phase table.

import type { Config } from '../config/config.js';
import type { Job } from '../job.js';
import type { PhaseBehaviour } from '../phases/phase.js';
import type { Logger } from '../report/logger.js';
import type { PhaseName, PlanName } from '../tables/phase-table.js';

/** One phase of a plan: its behaviour and how it is run on the results of the phases before it. */
export interface PlanPhase<R, K extends keyof R, C extends Config = Config> extends PhaseBehaviour<R[K], C> {
  readonly run: (job: Job<C>, done: Partial<R>, log: Logger) => Promise<R[K]>;
}

/** The phases of a plan, `R` mapping each phase name to its result. */
export interface Plan<R, C extends Config = Config> {
  readonly name: PlanName;
  /** The names in the order they run (from the phase table). */
  readonly order: readonly (keyof R & PhaseName)[];
  readonly phases: { readonly [K in keyof R]: PlanPhase<R, K, C> };
  /** The local tags of the images a run made, for --prune-images. */
  readonly builtTags: (done: Partial<R>) => readonly string[];
}

/** What a successful run leaves: each phase's result, their times, and why the rest was skipped if it was. */
export interface Finished<R> {
  readonly done: Partial<R>;
  readonly durations: Partial<Record<PhaseName, number>>;
  readonly skipReason: string | null;
}

/** The result of an earlier phase; the plan's order guarantees it is there. */
export function need<T>(result: T | undefined, phase: PhaseName): T {
  if (result === undefined) throw new Error(`internal: phase ${phase} has not run`);
  return result;
}
