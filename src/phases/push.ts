// Phase 7: push both images to the platform's registry and record their digests.

import type { BuiltImages } from '../images/built-image.js';
import { pushImage } from '../images/push-image.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import type { PhaseBehaviour } from './phase.js';

/** The pushed images with the digests the registry stored. */
export interface PushResult {
  readonly learner: ImageOutcome;
  readonly aggregator: ImageOutcome;
}

export const pushPhase: PhaseBehaviour<PushResult> = {
  failureCode: 'PUSH_FAILED',
  describe: (result) => ({
    summary: `pushed ${result.learner.reference} and ${result.aggregator.reference}`,
    learner_image: result.learner,
    aggregator_image: result.aggregator,
  }),
};

/** Pushes the learner, then the aggregator. */
export async function push(job: Job, built: BuiltImages, log: Logger): Promise<PushResult> {
  const learner = await pushImage(job, built.learner.reference, 'learner', log);
  const aggregator = await pushImage(job, built.aggregator.reference, 'aggregator', log);
  return { learner, aggregator };
}
