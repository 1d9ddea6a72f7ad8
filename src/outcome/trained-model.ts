// The trained_model plan's success payload, from the freshly pushed image or the one found in the registry.

import type { TrainedModelConfig } from '../config/config.js';
import { LABELS } from '../images/labels.js';
import type { Finished } from '../plans/plan.js';
import type { TrainedModelResults } from '../plans/trained-model.js';
import { platformNames } from '../platforms.js';
import type { TrainedModelSuccessPayload } from '../report/messages.js';
import { resolveOutcome } from './common.js';

/** The `success` payload. */
export function trainedModelSuccess(
  config: TrainedModelConfig,
  finished: Finished<TrainedModelResults>,
  builderVersion: string,
  totalMs: number,
): TrainedModelSuccessPayload {
  const { done } = finished;
  const fetched = done.fetch;
  if (!fetched) throw new Error('internal: success without a fetch');
  const existing = fetched.existing;
  return {
    flops_project_id: config.projectId,
    run_id: config.runId,
    skipped: finished.skipReason !== null,
    skip_reason: finished.skipReason,
    trained_model_image: done.push?.model ?? { reference: fetched.image.reference, digest: existing?.digest ?? '' },
    ml_model_flavor: done.validate?.flavor ?? existing?.labels[LABELS.mlModelFlavor] ?? null,
    platforms: platformNames(config.platforms),
    python_version: done.patch?.python ?? existing?.labels[LABELS.pythonVersion] ?? '',
    builder_version: builderVersion,
    durations_ms: finished.durations,
    total_ms: totalMs,
    ...resolveOutcome(done.resolve),
  };
}
