// Phase 1: fetch the repo, learn its commit, and find out at once whether its images already exist.

import type { FlActorsConfig } from '../config/config.js';
import { findCurrentImages } from '../images/existing-image.js';
import { deriveImageNames, type ImageNames } from '../images/image-names.js';
import type { FlActorsJob } from '../job.js';
import { platformNames } from '../platforms.js';
import { cloneSource } from '../repo/clone.js';
import type { Logger } from '../report/logger.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** The clone, its commit, and the images of that commit if the registry has them already. */
export interface CloneResult {
  readonly repoDir: string;
  readonly commitSha: string;
  readonly images: ImageNames;
  readonly existing: { readonly learner: RemoteImage; readonly aggregator: RemoteImage } | undefined;
}

export const clonePhase: PhaseBehaviour<CloneResult, FlActorsConfig> = {
  failureCode: 'CLONE_FAILED',
  describe: (result) => ({
    summary: `commit ${result.commitSha.slice(0, 12)}${result.existing ? ', images already in the registry' : ''}`,
    commit_sha: result.commitSha,
    learner_image: result.images.learner,
    aggregator_image: result.images.aggregator,
  }),
  skipRest: (result, job) =>
    result.existing
      ? `the images of commit ${result.commitSha.slice(0, 12)} made by builder ${job.builderVersion} are already in the registry`
      : undefined,
};

/** Clones the repo at the asked ref and looks up its images in the registry. */
export async function clone(job: FlActorsJob, log: Logger): Promise<CloneResult> {
  const { config } = job;
  const { repoDir, commitSha } = await cloneSource(job);
  const images = deriveImageNames(config.repo, config.registry.hostPort, commitSha);
  log.info({ commit_sha: commitSha, learner: images.learner, aggregator: images.aggregator }, 'Cloned');
  if (config.dryRun) return { repoDir, commitSha, images, existing: undefined };
  const existing = await findExisting(job, images);
  return { repoDir, commitSha, images, existing };
}

/** Both images, when the registry holds them for this commit, builder, flavor and platforms. */
async function findExisting(job: FlActorsJob, images: ImageNames): Promise<CloneResult['existing']> {
  const wanted = { mlModelFlavor: job.config.flavor, platforms: platformNames(job.config.platforms) };
  const repositories = [images.learnerRepository, images.aggregatorRepository];
  const [learner, aggregator] = await findCurrentImages(job, repositories, images.tag, wanted);
  return learner && aggregator ? { learner, aggregator } : undefined;
}
