// The fl_actors plan's success payload, from freshly pushed images or from the ones found in the registry.

import type { FlActorsConfig } from '../config/config.js';
import { lockedVersion } from '../deps/lock.js';
import { LABELS } from '../images/labels.js';
import type { FlActorsResults } from '../plans/fl-actors.js';
import type { Finished } from '../plans/plan.js';
import { platformNames } from '../platforms.js';
import type { FlActorsSuccessPayload, ImageOutcome } from '../report/messages.js';
import { resolveOutcome } from './common.js';

/** The `success` payload. */
export function flActorsSuccess(
  config: FlActorsConfig,
  finished: Finished<FlActorsResults>,
  builderVersion: string,
  totalMs: number,
): FlActorsSuccessPayload {
  const { done } = finished;
  const clone = done.clone;
  if (!clone) throw new Error('internal: success without a clone');
  const existing = clone.existing;
  const images = pushedOrExisting(done);
  return {
    flops_project_id: config.projectId,
    commit_sha: clone.commitSha,
    skipped: finished.skipReason !== null,
    skip_reason: finished.skipReason,
    learner_image: images?.learner ?? { reference: clone.images.learner, digest: '' },
    aggregator_image: images?.aggregator ?? { reference: clone.images.aggregator, digest: '' },
    ml_model_flavor: config.flavor ?? existing?.learner.labels[LABELS.mlModelFlavor] ?? null,
    platforms: platformNames(config.platforms),
    python_version: done.patch?.python ?? existing?.learner.labels[LABELS.pythonVersion] ?? '',
    flwr_version:
      lockedVersion(done.resolve?.locks[0]?.base, 'flwr') ??
      done.patch?.flwrVersion ??
      existing?.learner.labels[LABELS.flwrVersion] ??
      '',
    architecture: existing?.learner.architecture ?? config.platforms[0].architecture,
    builder_version: builderVersion,
    durations_ms: finished.durations,
    total_ms: totalMs,
    name_adjusted: clone.images.adjusted,
    ...resolveOutcome(done.resolve),
  };
}

function pushedOrExisting(
  done: Partial<FlActorsResults>,
): { learner: ImageOutcome; aggregator: ImageOutcome } | undefined {
  const { learner, aggregator } = done.push ?? {};
  if (learner && aggregator) return { learner, aggregator };
  const existing = done.clone?.existing;
  if (!existing || !done.clone) return undefined;
  return {
    learner: { reference: done.clone.images.learner, digest: existing.learner.digest },
    aggregator: { reference: done.clone.images.aggregator, digest: existing.aggregator.digest },
  };
}
