// The training plan's success payload, from the freshly pushed trainer or the one found in the registry.

import type { TrainingConfig } from '../config/config.js';
import { LABELS } from '../images/labels.js';
import type { Finished } from '../plans/plan.js';
import type { TrainingResults } from '../plans/training.js';
import { platformNames } from '../platforms.js';
import type { TrainingSuccessPayload } from '../report/messages.js';
import { resolveOutcome } from './common.js';

/** The `success` payload. */
export function trainingSuccess(
  config: TrainingConfig,
  finished: Finished<TrainingResults>,
  builderVersion: string,
  totalMs: number,
): TrainingSuccessPayload {
  const { done } = finished;
  const clone = done.clone;
  if (!clone) throw new Error('internal: success without a clone');
  const existing = clone.existing;
  return {
    flops_project_id: config.projectId,
    commit_sha: clone.commitSha,
    skipped: finished.skipReason !== null,
    skip_reason: finished.skipReason,
    trainer_image: done.push?.trainer ?? { reference: clone.image.reference, digest: existing?.digest ?? '' },
    entry: done.validate?.entry.value ?? existing?.labels[LABELS.trainingEntry] ?? '',
    platforms: platformNames(config.platforms),
    python_version: done.patch?.python ?? existing?.labels[LABELS.pythonVersion] ?? '',
    builder_version: builderVersion,
    durations_ms: finished.durations,
    total_ms: totalMs,
    name_adjusted: clone.image.adjusted,
    ...resolveOutcome(done.resolve),
  };
}
