// Phase 6: build the shared base image, then the learner and aggregator images FROM it, with buildah.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedContext } from '../context/rendered-context.js';
import type { DependencyPlan } from '../deps/plan.js';
import type { BuiltImage, BuiltImages } from '../images/built-image.js';
import { baseImageTag, type ImageNames } from '../images/image-names.js';
import { imageLabels } from '../images/labels.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { type BuildSecret, buildahBudArgs, buildahInspectArgs } from '../tools/buildah-args.js';
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

export const buildPhase: PhaseBehaviour<BuildResult> = {
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
  job: Job,
  { images, commitSha, context, plan }: BuildInput,
  log: Logger,
): Promise<BuildResult> {
  const { contextDir, containerfiles } = context;
  const secrets: BuildSecret[] = [
    { id: 'flops-ca', src: job.buildSecrets.caFile },
    { id: 'flops-env', src: job.buildSecrets.envFile },
  ];
  const labels = (role: 'learner' | 'aggregator'): Record<string, string> =>
    imageLabels({
      sourceUrl: job.config.repo.display,
      revision: commitSha,
      created: new Date(),
      role,
      builderVersion: job.builderVersion,
      flwrVersion: plan.flwrVersion,
      pythonVersion: plan.python,
      patches: plan.patches,
    });
  const buildOne = async (
    containerfile: string,
    tag: string,
    imageLabels: Record<string, string>,
  ): Promise<BuiltImage> => {
    const iidFile = join(job.workdir, `${containerfile}.iid`);
    const args = buildahBudArgs({
      containerfile: join(contextDir, containerfile),
      contextDir,
      tag,
      iidFile,
      labels: imageLabels,
      secrets,
      authFile: job.registryAccess.authFile,
      certDir: job.registryAccess.certDir,
    });
    log.info({ containerfile, tag }, 'Building image');
    await job.buildah.runOr('BUILD_FAILED', `building ${containerfile}`, args, {
      timeoutMs: job.config.phaseTimeoutsMs.build,
      signal: job.signal,
      onLine: (line) => log.info({ containerfile, buildah: line }, 'buildah'),
    });
    return { reference: tag, imageId: (await readFile(iidFile, 'utf8')).trim() };
  };

  await buildOne(containerfiles.base, baseImageTag(images), {});
  const learner = await buildOne(containerfiles.learner, images.learner, labels('learner'));
  const aggregator = await buildOne(containerfiles.aggregator, images.aggregator, labels('aggregator'));
  const { stdout } = await job.buildah.run(buildahInspectArgs(learner.reference, '{{.OCIv1.Architecture}}'), {
    timeoutMs: 60_000,
    signal: job.signal,
  });
  return { learner, aggregator, architecture: stdout.trim() };
}
