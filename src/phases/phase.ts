// The shape every phase module exports, and the results they pass on.

import type { ErrorCode, PhaseName } from '../errors.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { PhaseEvent } from '../report/messages.js';
import type { BuildResult } from './build.js';
import type { CloneResult } from './clone.js';
import type { InjectResult } from './inject.js';
import type { PatchResult } from './patch.js';
import type { PushResult } from './push.js';
import type { ResolveResult } from './resolve.js';
import type { ValidateResult } from './validate.js';

/** Each phase's typed result, by phase name. */
export interface PhaseResults {
  clone: CloneResult;
  validate: ValidateResult;
  patch: PatchResult;
  resolve: ResolveResult;
  inject: InjectResult;
  build: BuildResult;
  push: PushResult;
}

/** The results of the phases that have run so far. */
export type Done = Partial<PhaseResults>;

/** One phase: what it runs, how its result is described, and whether it ends the work early. */
export interface PhaseDefinition<K extends PhaseName = PhaseName> {
  readonly name: K;
  /** The code of an unexpected failure inside this phase (one that is not a PipelineError). */
  readonly failureCode: ErrorCode;
  readonly run: (job: Job, done: Done, log: Logger) => Promise<PhaseResults[K]>;
  /** The `detail` of the phase's `done` event. */
  readonly describe: (result: PhaseResults[K]) => PhaseEvent['detail'];
  /** A reason to skip every later phase (images exist already, dry run), or undefined to go on. */
  readonly skipRest?: (result: PhaseResults[K], job: Job) => string | undefined;
  /** A reason to skip this phase alone (an option turned it off), or undefined to run it. */
  readonly skip?: (job: Job) => string | undefined;
}

/** The result of an earlier phase; the pipeline's order guarantees it is there. */
export function need<K extends PhaseName>(done: Done, phase: K): PhaseResults[K] {
  const result = done[phase];
  if (result === undefined) throw new Error(`internal: phase ${phase} has not run`);
  return result as PhaseResults[K];
}
