// trained_model phases 6 and 7: build the serving image, then push it.

import type { TrainedModelConfig } from '../config/config.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { buildImage } from '../images/build-image.js';
import type { BuiltImage } from '../images/built-image.js';
import type { TrainedModelImage } from '../images/image-names.js';
import { imageLabels } from '../images/labels.js';
import { pushImage } from '../images/push-image.js';
import type { TrainedModelJob } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import type { PhaseBehaviour } from './phase.js';
import type { ServingContext } from './render-serving.js';

/** What the serving image is made of. */
export interface ServingBuildInput {
  readonly image: TrainedModelImage;
  readonly context: ServingContext;
  readonly plan: DependencyPlan;
  readonly flavor: string | undefined;
}

export const buildServingPhase: PhaseBehaviour<BuiltImage, TrainedModelConfig> = {
  failureCode: 'BUILD_FAILED',
  describe: (result) => ({ summary: `built ${result.reference}`, image_id: result.imageId }),
};

export const pushServingPhase: PhaseBehaviour<ImageOutcome> = {
  failureCode: 'PUSH_FAILED',
  describe: (result) => ({ summary: `pushed ${result.reference}`, trained_model_image: result }),
};

/** Builds the serving image, labelled with the run, the flavor and the builder. */
export function buildServing(job: TrainedModelJob, input: ServingBuildInput, log: Logger): Promise<BuiltImage> {
  const labels = imageLabels({
    sourceUrl: `${job.config.trackingUri.origin}/#/experiments/runs/${job.config.runId}`,
    revision: job.config.runId,
    created: new Date(),
    title: 'FLOps trained model',
    builderVersion: job.builderVersion,
    flwrVersion: undefined,
    pythonVersion: input.plan.python,
    mlModelFlavor: input.flavor,
    platforms: job.config.platforms,
    patches: input.plan.patches,
  });
  const { contextDir, containerfile } = input.context;
  return buildImage(job, { contextDir, containerfile, tag: input.image.reference, labels }, log);
}

/** Pushes the serving image. */
export function pushServing(job: TrainedModelJob, built: BuiltImage, log: Logger): Promise<ImageOutcome> {
  return pushImage(job, built.reference, 'trained-model', log);
}
