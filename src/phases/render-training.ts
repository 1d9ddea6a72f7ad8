// training phase 5: render the trainer's build context: the repo (what its .dockerignore keeps), the training entry,
// the dependency Containerfiles and locks of every platform, and the image's Containerfile.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainingConfig } from '../config/config.js';
import { copyRepo } from '../context/copy-repo.js';
import { type ImageContext, writeImageContext } from '../context/image-context.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import { depsRepository } from '../images/deps-image.js';
import type { TrainerImage } from '../images/image-names.js';
import type { Job } from '../job.js';
import type { TrainingEntry } from '../repo/training-entry.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { labelsSummary, type PhaseBehaviour } from './phase.js';

/** The rendered context, and how much of the repo went into it. */
export interface TrainingContext extends ImageContext {
  readonly repoFiles: number;
  readonly excludedFiles: number;
  /** `--ignore` patterns applied after the repo's .dockerignore. */
  readonly ignore: readonly string[];
  /** `--label` labels the image will carry. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What the trainer is made of. */
export interface TrainingInput {
  readonly repoDir: string;
  readonly image: TrainerImage;
  readonly plan: DependencyPlan;
  readonly locks: readonly PlatformLock[] | undefined;
  readonly entry: TrainingEntry;
}

export const renderTrainingPhase: PhaseBehaviour<TrainingContext, TrainingConfig> = {
  failureCode: 'TEMPLATE_FAILED',
  describe: (result) => ({
    summary: `build context rendered (${result.repoFiles} repo files, ${result.excludedFiles} left out by .dockerignore${result.ignore.length > 0 ? ` and --ignore ${result.ignore.join(' ')}` : ''}) for ${result.deps.map((deps) => deps.platform.platform).join(' and ')}${labelsSummary(result.labels)}`,
    context_dir: result.contextDir,
    ignore: [...result.ignore],
    labels: { ...result.labels },
  }),
  skipRest: (_result, job) =>
    job.config.dryRun ? 'dry run: the build context is rendered, nothing is built or pushed' : undefined,
};

/** Copies the repo and renders the rest of the context; the entry goes into the image's environment. */
export async function renderTraining(job: Job<TrainingConfig>, input: TrainingInput): Promise<TrainingContext> {
  const contextDir = join(job.workdir, 'context');
  await mkdir(contextDir, { recursive: true });
  const copied = await copyRepo(input.repoDir, join(contextDir, 'repo'), job.config.ignore);
  if (copied.escapingLinks.length > 0) {
    throw new PhaseError(
      'TEMPLATE_FAILED',
      `symbolic links that point outside the repo are refused: ${copied.escapingLinks.join(', ')}`,
    );
  }
  const context = await writeImageContext(job, {
    contextDir,
    plan: input.plan,
    locks: input.locks,
    roles: ['trainer'],
    depsRepository: depsRepository(input.image.path),
    env: { FLOPS_TRAIN_ENTRY: input.entry.value },
  });
  return {
    ...context,
    repoFiles: copied.files,
    excludedFiles: copied.excluded,
    ignore: job.config.ignore,
    labels: job.config.labels,
  };
}
