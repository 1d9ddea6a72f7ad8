// training phase 1: fetch the repo, learn its commit, and find out at once whether its trainer image already exists.

import type { TrainingConfig } from '../config/config.js';
import { findCurrentImages } from '../images/existing-image.js';
import { type TrainerImage, trainerImageName } from '../images/image-names.js';
import { LABELS } from '../images/labels.js';
import type { Job } from '../job.js';
import { platformNames } from '../platforms.js';
import { cloneSource } from '../repo/clone.js';
import type { Logger } from '../report/logger.js';
import type { RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** The clone, its commit, and the trainer of that commit if the registry has it already. */
export interface TrainingCloneResult {
  readonly repoDir: string;
  readonly commitSha: string;
  readonly image: TrainerImage;
  readonly existing: RemoteImage | undefined;
}

export const cloneTrainingPhase: PhaseBehaviour<TrainingCloneResult, TrainingConfig> = {
  failureCode: 'CLONE_FAILED',
  describe: (result) => ({
    summary: `commit ${result.commitSha.slice(0, 12)}${result.existing ? ', image already in the registry' : ''}`,
    commit_sha: result.commitSha,
    trainer_image: result.image.reference,
  }),
  skipRest: (result, job) =>
    result.existing
      ? `the trainer image of commit ${result.commitSha.slice(0, 12)} made by builder ${job.builderVersion} is already in the registry`
      : undefined,
};

/** Clones the repo at the asked ref and looks its trainer image up in the registry. */
export async function cloneTraining(job: Job<TrainingConfig>, log: Logger): Promise<TrainingCloneResult> {
  const { config } = job;
  const { repoDir, commitSha } = await cloneSource(job);
  const image = trainerImageName(config.repo, config.registry.hostPort, commitSha);
  log.info({ commit_sha: commitSha, trainer: image.reference }, 'Cloned');
  if (config.dryRun) return { repoDir, commitSha, image, existing: undefined };
  // Another --entry makes another image of the same commit: the request's entry is part of what must match.
  const wanted = {
    mlModelFlavor: undefined,
    platforms: platformNames(config.platforms),
    labels: { [LABELS.trainingEntryOption]: config.entry ?? '' },
  };
  const [existing] = await findCurrentImages(job, [image.repository], image.tag, wanted);
  return { repoDir, commitSha, image, existing };
}
