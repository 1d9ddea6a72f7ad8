// training phase 1: fetch the repo (clone, folder or archive), learn its commit or tag, and find out at once whether its
// trainer image already exists.

import type { TrainingConfig } from '../config/config.js';
import { findCurrentImages } from '../images/existing-image.js';
import { type TrainerImage, trainerImageName } from '../images/image-names.js';
import { LABELS } from '../images/labels.js';
import type { Job } from '../job.js';
import { platformNames } from '../platforms.js';
import { cloneSource, tagWord } from '../repo/clone.js';
import type { Logger } from '../report/logger.js';
import type { RepoUrl } from '../tables/repo-url.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** The clone, its commit, and the trainer of that commit if the registry has it already. */
export interface TrainingCloneResult {
  readonly kind: RepoUrl['kind'];
  readonly repoDir: string;
  /** The commit's sha; for a folder or archive, its 40-hex tag (see sources/fetch-source.ts). */
  readonly commitSha: string;
  /** The commit's date; an archive's newest entry time; undefined for a folder (and an archive's skipped build). */
  readonly commitDate: Date | undefined;
  readonly image: TrainerImage;
  readonly existing: RemoteImage | undefined;
}

export const cloneTrainingPhase: PhaseBehaviour<TrainingCloneResult, TrainingConfig> = {
  failureCode: 'CLONE_FAILED',
  describe: (result) => ({
    summary: `${tagWord(result.kind)} ${result.commitSha.slice(0, 12)}${result.existing ? ', image already in the registry' : ''}`,
    commit_sha: result.commitSha,
    trainer_image: result.image.reference,
  }),
  skipRest: (result, job) =>
    result.existing
      ? `the trainer image of ${tagWord(result.kind)} ${result.commitSha.slice(0, 12)} made by builder ${job.builderVersion} is already in the registry`
      : undefined,
};

/** Clones the repo at the asked ref (or fetches the folder or archive) and looks its trainer image up in the registry. */
export async function cloneTraining(job: Job<TrainingConfig>, log: Logger): Promise<TrainingCloneResult> {
  const { config } = job;
  const imageOf = (tag: string) => trainerImageName(config.repo, config.registry.hostPort, tag);
  // Another --entry makes another image of the same commit: the request's entry is part of what must match.
  const wanted = {
    mlModelFlavor: undefined,
    platforms: platformNames(config.platforms),
    labels: { [LABELS.trainingEntryOption]: config.entry ?? '' },
  };
  const source = await cloneSource(job, log, async (tag) => {
    const image = imageOf(tag);
    const [existing] = await findCurrentImages(job, [image.repository], image.tag, wanted);
    return existing;
  });
  const image = imageOf(source.commitSha);
  log.info(
    { commit_sha: source.commitSha, trainer: image.reference },
    source.existing ? 'Found the image of this commit in the registry' : 'Cloned',
  );
  return { ...source, image };
}
