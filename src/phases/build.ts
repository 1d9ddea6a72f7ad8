// Phase 6: build the shared base image, then the learner and aggregator images FROM it, with buildah.

import type { FlActorsConfig } from '../config/config.js';
import type { RenderedContext } from '../context/rendered-context.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { buildImage } from '../images/build-image.js';
import type { BuiltImage, BuiltImages } from '../images/built-image.js';
import { baseImageTag, type ImageNames } from '../images/image-names.js';
import { imageLabels } from '../images/labels.js';
import type { FlActorsJob } from '../job.js';
import type { Logger } from '../report/logger.js';
import { buildahInspectArgs } from '../tools/buildah-args.js';
import type { PhaseBehaviour } from './phase.js';

/** The two images, ready to push. */
export interface BuildResult extends BuiltImages {
  readonly architecture: string;
}

/** What build reads: the image names and commit, the rendered context, and the dependency plan (for labels). */
export interface BuildInput {
  readonly images: ImageNames;
  readonly commitSha: string;
  readonly context: RenderedContext;
  readonly plan: DependencyPlan;
}

export const buildPhase: PhaseBehaviour<BuildResult, FlActorsConfig> = {
  failureCode: 'BUILD_FAILED',
  describe: (result) => ({
    summary: `learner and aggregator images built for ${result.architecture}`,
    learner_image_id: result.learner.imageId,
    aggregator_image_id: result.aggregator.imageId,
    architecture: result.architecture,
  }),
};

/** Builds the base image, then the learner and aggregator images on it. */
export async function build(
  job: FlActorsJob,
  { images, commitSha, context, plan }: BuildInput,
  log: Logger,
): Promise<BuildResult> {
  const labels = (role: 'learner' | 'aggregator'): Record<string, string> =>
    imageLabels({
      sourceUrl: job.config.repo.display,
      revision: commitSha,
      created: new Date(),
      title: `FLOps ${role}`,
      builderVersion: job.builderVersion,
      flwrVersion: plan.flwrVersion,
      pythonVersion: plan.python,
      mlModelFlavor: job.config.flavor,
      platforms: job.config.platforms,
      patches: plan.patches,
    });
  const one = (containerfile: string, tag: string, imageLabels: Record<string, string>): Promise<BuiltImage> =>
    buildImage(job, { contextDir: context.contextDir, containerfile, tag, labels: imageLabels }, log);
  await one(context.containerfiles.base, baseImageTag(images), {});
  const learner = await one(context.containerfiles.learner, images.learner, labels('learner'));
  const aggregator = await one(context.containerfiles.aggregator, images.aggregator, labels('aggregator'));
  const { stdout } = await job.buildah.run(buildahInspectArgs(learner.reference, '{{.OCIv1.Architecture}}'), {
    timeoutMs: 60_000,
    signal: job.signal,
  });
  return { learner, aggregator, architecture: stdout.trim() };
}
