// The phases in order, and the one wrapper that times, logs and reports each of them.

import { CommandError, EXIT_CODES, type PhaseName, PipelineError, StopReason } from './errors.js';
import type { Job } from './job.js';
import { buildPhase } from './phases/build.js';
import { clonePhase } from './phases/clone.js';
import { injectPhase } from './phases/inject.js';
import { patchPhase } from './phases/patch.js';
import type { Done, PhaseDefinition } from './phases/phase.js';
import { pushPhase } from './phases/push.js';
import { resolvePhase } from './phases/resolve.js';
import { validatePhase } from './phases/validate.js';
import type { Reporter } from './report/reporter.js';
import { settleOrStop, startTimeLimit } from './time-limit.js';

/** How long a stopped phase may take to wind down (kill its children) before the pipeline moves on without it. */
export const STOP_GRACE_MS = 15_000;

/** The pipeline, as data: every phase runs in this order, each one after the previous succeeded. */
// Each definition is typed by its own phase; the runner handles them alike, so the list widens them (a cast,
// since a function of one phase's result is not a function of every phase's result).
export const PIPELINE: readonly PhaseDefinition[] = [
  clonePhase,
  validatePhase,
  patchPhase,
  resolvePhase,
  injectPhase,
  buildPhase,
  pushPhase,
] as readonly PhaseDefinition<PhaseName>[] as readonly PhaseDefinition[];

/** How a run of the pipeline ended. */
export type PipelineOutcome =
  | {
      readonly status: 'success';
      readonly done: Done;
      readonly durations: Partial<Record<PhaseName, number>>;
      readonly skipReason: string | null;
    }
  | {
      readonly status: 'failed';
      readonly error: PipelineError;
      readonly done: Done;
      readonly durations: Partial<Record<PhaseName, number>>;
    };

/** Runs every phase through the same wrapper; a failure stops the run and is returned, not thrown. */
export async function runPipeline(
  job: Job,
  reporter: Reporter,
  phases: readonly PhaseDefinition[] = PIPELINE,
): Promise<PipelineOutcome> {
  const done: Done = {};
  const durations: Partial<Record<PhaseName, number>> = {};
  let skipReason: string | null = null;
  const event = (
    phase: PhaseName,
    state: 'started' | 'done' | 'failed' | 'skipped',
    elapsedMs: number,
    detail: string | Record<string, unknown>,
  ): void => reporter.phase({ flops_project_id: job.config.projectId, phase, state, elapsed_ms: elapsedMs, detail });

  for (const phase of phases) {
    const log = job.log.child({ phase: phase.name });
    const skipThis = skipReason ?? phase.skip?.(job) ?? null;
    if (skipThis !== null) {
      log.info({ reason: skipThis }, 'Skipped step');
      event(phase.name, 'skipped', 0, skipThis);
      continue;
    }
    const started = performance.now();
    log.info('Start step');
    event(phase.name, 'started', 0, '');
    // The phase sees a signal that also aborts when its own time limit passes.
    const seconds = Math.round(job.config.phaseTimeoutsMs[phase.name] / 1000);
    const limit = startTimeLimit(job.signal, job.config.phaseTimeoutsMs[phase.name], () =>
      StopReason.phaseTimeout(phase.name, seconds),
    );
    try {
      if (job.signal.aborted) throw job.signal.reason;
      const result = await settleOrStop(
        phase.run({ ...job, signal: limit.signal }, done, log),
        limit.signal,
        STOP_GRACE_MS,
      );
      const elapsed = Math.round(performance.now() - started);
      (done as Record<string, unknown>)[phase.name] = result;
      durations[phase.name] = elapsed;
      log.info({ elapsed_ms: elapsed }, 'Completed step');
      event(phase.name, 'done', elapsed, phase.describe(result));
      skipReason = phase.skipRest?.(result, job) ?? null;
    } catch (thrown) {
      const elapsed = Math.round(performance.now() - started);
      durations[phase.name] = elapsed;
      const error = toPipelineError(thrown, phase, limit.signal);
      log.error({ code: error.code, exit_code: error.exitCode, err: thrown }, 'Failed step');
      event(phase.name, 'failed', elapsed, { code: error.code, error_msg: error.message });
      return { status: 'failed', error, done, durations };
    } finally {
      limit.clear();
    }
  }
  return { status: 'success', done, durations, skipReason };
}

/** Every failure becomes a PipelineError of the phase it happened in; cancellation keeps its own code. */
export function toPipelineError(thrown: unknown, phase: PhaseDefinition, signal: AbortSignal): PipelineError {
  if (signal.aborted && signal.reason instanceof StopReason) {
    const reason: StopReason = signal.reason;
    if (reason.kind !== 'signal') return new PipelineError('TIMED_OUT', phase.name, reason.message, { cause: thrown });
    const exitCode = reason.signalName === 'SIGINT' ? EXIT_CODES.SIGINT : EXIT_CODES.SIGTERM;
    return new PipelineError('CANCELLED', phase.name, `cancelled during ${phase.name}: ${reason.message}`, {
      cause: thrown,
      exitCode,
    });
  }
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
    const exitCode = /SIGINT/.test(reason) ? EXIT_CODES.SIGINT : EXIT_CODES.SIGTERM;
    return new PipelineError('CANCELLED', phase.name, `cancelled during ${phase.name}: ${reason}`, {
      cause: thrown,
      exitCode,
    });
  }
  if (thrown instanceof PipelineError) return thrown;
  if (thrown instanceof CommandError && thrown.timedOut) {
    return new PipelineError('TIMED_OUT', phase.name, `${phase.name} took too long: ${thrown.message}`, {
      cause: thrown,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new PipelineError(phase.failureCode, phase.name, message, { cause: thrown });
}
