// Runs a plan's phases in order through one wrapper that times, logs and reports each of them.

import type { Config } from './config/config.js';
import { CommandError, EXIT_CODES, PhaseError, PipelineError, StopReason } from './errors.js';
import type { Job } from './job.js';
import type { Plan, PlanPhase } from './plans/plan.js';
import type { PhaseEvent } from './report/messages.js';
import type { Reporter } from './report/reporter.js';
import type { Durations, PhaseName } from './tables/phase-table.js';
import { settleOrStop, startTimeLimit } from './time-limit.js';

/** How long a stopped phase may take to wind down (kill its children) before the pipeline moves on without it. */
export const STOP_GRACE_MS = 15_000;

/** How a run of a plan ended. */
export type PipelineOutcome<R> =
  | {
      readonly status: 'success';
      readonly done: Partial<R>;
      readonly durations: Durations;
      readonly skipReason: string | null;
    }
  | {
      readonly status: 'failed';
      readonly error: PipelineError;
      readonly done: Partial<R>;
      readonly durations: Durations;
    };

/** What one phase did: its result, a reason to skip the rest, or the failure that stops the run. */
type PhaseOutcome =
  | { readonly ok: true; readonly skipRest: string | null }
  | { readonly ok: false; readonly error: PipelineError };

/** Runs every phase of `plan` in order; a failure stops the run and is returned, not thrown. */
export async function runPipeline<R, C extends Config>(
  plan: Plan<R, C>,
  job: Job<C>,
  reporter: Reporter,
): Promise<PipelineOutcome<R>> {
  const done: Partial<R> = {};
  const durations: Durations = {};
  let skipReason: string | null = null;
  for (const name of plan.order) {
    const outcome: PhaseOutcome = await runPhase(plan, name, skipReason, job, done, durations, reporter);
    if (!outcome.ok) return { status: 'failed', error: outcome.error, done, durations };
    skipReason = outcome.skipRest;
  }
  return { status: 'success', done, durations, skipReason };
}

async function runPhase<R, K extends keyof R & PhaseName, C extends Config>(
  plan: Plan<R, C>,
  name: K,
  skipReason: string | null,
  job: Job<C>,
  done: Partial<R>,
  durations: Durations,
  reporter: Reporter,
): Promise<PhaseOutcome> {
  const phase: PlanPhase<R, K, C> = plan.phases[name];
  const log = job.log.child({ phase: name });
  const skipThis = skipReason ?? phase.skip?.(job) ?? null;
  if (skipThis !== null) {
    log.info({ reason: skipThis }, 'Skipped step');
    report(reporter, job, name, 'skipped', 0, skipThis);
    return { ok: true, skipRest: skipReason };
  }
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  log.info('Start step');
  report(reporter, job, name, 'started', 0, '');
  // The phase sees a signal that also aborts when its own time limit passes.
  const limitMs = job.config.phaseTimeoutsMs[name];
  const limit = startTimeLimit(job.signal, limitMs, () => StopReason.phaseTimeout(name, Math.round(limitMs / 1000)));
  try {
    if (job.signal.aborted) throw job.signal.reason;
    const result = await settleOrStop(
      phase.run({ ...job, signal: limit.signal }, done, log),
      limit.signal,
      STOP_GRACE_MS,
    );
    done[name] = result;
    durations[name] = elapsed();
    log.info({ elapsed_ms: durations[name] }, 'Completed step');
    report(reporter, job, name, 'done', elapsed(), phase.describe(result));
    return { ok: true, skipRest: phase.skipRest?.(result, job) ?? null };
  } catch (thrown) {
    durations[name] = elapsed();
    const error = toPipelineError(thrown, name, phase.failureCode, limit.signal);
    log.error({ code: error.code, exit_code: error.exitCode, err: thrown }, 'Failed step');
    report(reporter, job, name, 'failed', elapsed(), { code: error.code, error_msg: error.message });
    return { ok: false, error };
  } finally {
    limit.clear();
  }
}

function report(
  reporter: Reporter,
  job: Job,
  phase: PhaseName,
  state: PhaseEvent['state'],
  elapsedMs: number,
  detail: PhaseEvent['detail'],
): void {
  reporter.phase({ flops_project_id: job.config.projectId, phase, state, elapsed_ms: elapsedMs, detail });
}

/** Every failure becomes a PipelineError of the phase it happened in; cancellation keeps its own code. */
export function toPipelineError(
  thrown: unknown,
  phase: PhaseName,
  failureCode: PhaseError['code'],
  signal: AbortSignal,
): PipelineError {
  if (signal.aborted) {
    // Every abort in the builder carries a StopReason (signal, phase limit, deadline); anything else is a cancel.
    const reason = signal.reason instanceof StopReason ? signal.reason : undefined;
    if (reason !== undefined && reason.kind !== 'signal') {
      return new PipelineError('TIMED_OUT', phase, reason.message, { cause: thrown });
    }
    const exitCode = reason?.signalName === 'SIGINT' ? EXIT_CODES.SIGINT : EXIT_CODES.SIGTERM;
    const why = reason?.message ?? 'the job was stopped';
    return new PipelineError('CANCELLED', phase, `cancelled during ${phase}: ${why}`, { cause: thrown, exitCode });
  }
  if (thrown instanceof PipelineError) return thrown;
  if (thrown instanceof PhaseError) {
    return new PipelineError(thrown.code, phase, thrown.message, {
      cause: thrown.cause ?? thrown,
      reason: thrown.reason,
    });
  }
  if (thrown instanceof CommandError && thrown.timedOut) {
    return new PipelineError('TIMED_OUT', phase, `${phase} took too long: ${thrown.message}`, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new PipelineError(failureCode, phase, message, { cause: thrown });
}
