// Turns the pipeline's outcome into the manager's payloads and the process exit code.

import type { Config } from './config/config.js';
import { EXIT_CODES, type PipelineError } from './errors.js';
import { LABELS } from './images/labels.js';
import type { PipelineOutcome } from './pipeline.js';
import type { FlActorsResults } from './plans/fl-actors.js';
import { phaseNames } from './plans/phase-table.js';
import type { FailedPayload, ImageOutcome, StartedPayload, SuccessPayload } from './report/messages.js';

/** The `started` payload. */
export function startedPayload(config: Config, builderVersion: string): StartedPayload {
  return {
    flops_project_id: config.projectId,
    repo_url: config.repo.display,
    registry: config.registry.hostPort,
    builder_version: builderVersion,
    phases: phaseNames('fl_actors'),
  };
}

/** The `success` payload, from freshly pushed images or from the ones found in the registry. */
export function successPayload(
  config: Config,
  builderVersion: string,
  outcome: Extract<PipelineOutcome<FlActorsResults>, { status: 'success' }>,
  totalMs: number,
): SuccessPayload {
  const { done } = outcome;
  const clone = done.clone;
  if (!clone) throw new Error('internal: success without a clone');
  const existing = clone.existing;
  const images = pushedOrExisting(done);
  return {
    flops_project_id: config.projectId,
    commit_sha: clone.commitSha,
    skipped: outcome.skipReason !== null,
    skip_reason: outcome.skipReason,
    learner_image: images?.learner ?? { reference: clone.images.learner, digest: '' },
    aggregator_image: images?.aggregator ?? { reference: clone.images.aggregator, digest: '' },
    python_version: done.patch?.python ?? existing?.learner.labels[LABELS.pythonVersion] ?? '',
    flwr_version: done.patch?.flwrVersion ?? existing?.learner.labels[LABELS.flwrVersion] ?? '',
    architecture: done.build?.architecture ?? existing?.learner.architecture ?? '',
    builder_version: builderVersion,
    durations_ms: outcome.durations,
    total_ms: totalMs,
    name_adjusted: clone.images.adjusted,
  };
}

/** The `failed` payload. */
export function failedPayload(
  config: Config,
  error: PipelineError | undefined,
  message: string,
  durations: FailedPayload['durations_ms'],
  totalMs: number,
): FailedPayload {
  return {
    flops_project_id: config.projectId,
    phase: error?.phase ?? null,
    code: error?.code ?? 'INTERNAL',
    ...(error?.reason === undefined ? {} : { reason: error.reason }),
    exit_code: error?.exitCode ?? EXIT_CODES.internal,
    error_msg: error ? `${error.phase} failed: ${error.message}` : message,
    durations_ms: durations,
    total_ms: totalMs,
  };
}

function pushedOrExisting(
  done: Partial<FlActorsResults>,
): { learner: ImageOutcome; aggregator: ImageOutcome } | undefined {
  if (done.push) return done.push;
  const existing = done.clone?.existing;
  if (!existing || !done.clone) return undefined;
  return {
    learner: { reference: done.clone.images.learner, digest: existing.learner.digest },
    aggregator: { reference: done.clone.images.aggregator, digest: existing.aggregator.digest },
  };
}
