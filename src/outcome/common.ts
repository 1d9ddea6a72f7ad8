// The payloads every plan shares: started and failed.

import type { Config } from '../config/config.js';
import { lockDigest } from '../deps/lock.js';
import { EXIT_CODES, type PipelineError } from '../errors.js';
import { platformNames } from '../platforms.js';
import type { FailedPayload, LockOutcome, StartedPayload } from '../report/messages.js';
import type { ResolveResult } from '../resolve/result.js';
import { type Durations, phaseNames } from '../tables/phase-table.js';

/** The `started` payload. */
export function startedPayload(config: Config, builderVersion: string): StartedPayload {
  const what = config.plan === 'trained_model' ? { run_id: config.runId } : { repo_url: config.repo.display };
  return {
    flops_project_id: config.projectId,
    plan: config.plan,
    ...what,
    ml_model_flavor: config.plan === 'fl_actors' ? (config.flavor ?? null) : null,
    platforms: platformNames(config.platforms),
    registry: config.registry.hostPort,
    builder_version: builderVersion,
    phases: phaseNames(config.plan),
  };
}

/** The `failed` payload: of a phase's error, or of a failure outside the phases (`message`). */
export function failedPayload(
  projectId: string,
  error: PipelineError | undefined,
  message: string,
  durations: Durations,
  totalMs: number,
): FailedPayload {
  return {
    flops_project_id: projectId,
    phase: error?.phase ?? null,
    code: error?.code ?? 'INTERNAL',
    ...(error?.reason === undefined ? {} : { reason: error.reason }),
    exit_code: error?.exitCode ?? EXIT_CODES.internal,
    error_msg: error ? `${error.phase} failed: ${error.message}` : message,
    durations_ms: durations,
    total_ms: totalMs,
  };
}

/** What the success payloads say of resolve: each platform's lock and every change made to the repo's pins. */
export function resolveOutcome(result: ResolveResult | undefined): {
  locks: LockOutcome[];
  dependency_changes: string[];
} {
  return {
    locks: (result?.locks ?? []).map((lock) => ({
      platform: lock.platform,
      digest: lockDigest(lock.base),
      reused: lock.reused,
      moved: [...lock.moved],
    })),
    dependency_changes: [...(result?.notes ?? [])],
  };
}
