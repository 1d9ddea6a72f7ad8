// Phase 1: fetch the repo (clone, folder or archive), learn its commit or tag, and find out at once whether its images
// already exist.

import type { FlActorsConfig } from '../config/config.js';
import { findCurrentImages } from '../images/existing-image.js';
import { deriveImageNames, type ImageNames } from '../images/image-names.js';
import type { FlActorsJob } from '../job.js';
import { platformNames } from '../platforms.js';
import { cloneSource, tagWord } from '../repo/clone.js';
import type { Logger } from '../report/logger.js';
import type { RepoUrl } from '../tables/repo-url.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

type Existing = { readonly learner: RemoteImage; readonly aggregator: RemoteImage };

/** The clone, its commit, and the images of that commit if the registry has them already. */
export interface CloneResult {
  readonly kind: RepoUrl['kind'];
  readonly repoDir: string;
  /** The commit's sha; for a folder or archive, its 40-hex tag (see sources/fetch-source.ts). */
  readonly commitSha: string;
  /** The commit's date; an archive's newest entry time; undefined for a folder (and an archive's skipped build). */
  readonly commitDate: Date | undefined;
  readonly images: ImageNames;
  readonly existing: Existing | undefined;
}

export const clonePhase: PhaseBehaviour<CloneResult, FlActorsConfig> = {
  failureCode: 'CLONE_FAILED',
  describe: (result) => ({
    summary: `${tagWord(result.kind)} ${result.commitSha.slice(0, 12)}${result.existing ? ', images already in the registry' : ''}`,
    commit_sha: result.commitSha,
    learner_image: result.images.learner,
    aggregator_image: result.images.aggregator,
  }),
  skipRest: (result, job) =>
    result.existing
      ? `the images of ${tagWord(result.kind)} ${result.commitSha.slice(0, 12)} made by builder ${job.builderVersion} are already in the registry`
      : undefined,
};

/** Clones the repo at the asked ref (or fetches the folder or archive) and looks up its images in the registry. */
export async function clone(job: FlActorsJob, log: Logger): Promise<CloneResult> {
  const { config } = job;
  const namesOf = (tag: string) => deriveImageNames(config.repo, config.registry.hostPort, tag);
  const source = await cloneSource(job, log, (tag) => findExisting(job, namesOf(tag)));
  const images = namesOf(source.commitSha);
  log.info(
    { commit_sha: source.commitSha, learner: images.learner, aggregator: images.aggregator },
    source.existing ? 'Found the images of this commit in the registry' : 'Cloned',
  );
  return { ...source, images };
}

/** Both images, when the registry holds them for this commit, builder, flavor and platforms. */
async function findExisting(job: FlActorsJob, images: ImageNames): Promise<Existing | undefined> {
  const wanted = { mlModelFlavor: job.config.flavor, platforms: platformNames(job.config.platforms) };
  const repositories = [images.learnerRepository, images.aggregatorRepository];
  const [learner, aggregator] = await findCurrentImages(job, repositories, images.tag, wanted);
  return learner && aggregator ? { learner, aggregator } : undefined;
}
