// Phase 5: render the build context: the repo (what its .dockerignore keeps), the FL components, the dependency
// Containerfiles and locks of every platform, and the images' Containerfiles.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlActorsConfig } from '../config/config.js';
import { copyRepo } from '../context/copy-repo.js';
import { type ImageContext, writeImageContext } from '../context/image-context.js';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { PhaseError } from '../errors.js';
import { depsRepository } from '../images/deps-image.js';
import type { ImageNames } from '../images/image-names.js';
import type { FlActorsJob } from '../job.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { labelsSummary, type PhaseBehaviour } from './phase.js';

/** The rendered context, and how much of the repo went into it. */
export interface InjectResult extends ImageContext {
  readonly repoFiles: number;
  readonly excludedFiles: number;
  /** `--ignore` patterns applied after the repo's .dockerignore. */
  readonly ignore: readonly string[];
  /** `--label` labels the images will carry. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What inject renders: the clone, the image names, the dependency plan and its locks. */
export interface InjectInput {
  readonly repoDir: string;
  readonly images: ImageNames;
  readonly plan: DependencyPlan;
  /** Undefined when resolve was skipped or the conda path has none. */
  readonly locks: readonly PlatformLock[] | undefined;
}

export const injectPhase: PhaseBehaviour<InjectResult, FlActorsConfig> = {
  failureCode: 'TEMPLATE_FAILED',
  describe: (result) => ({
    summary: `build context rendered (${result.repoFiles} repo files, ${result.excludedFiles} left out by .dockerignore${result.ignore.length > 0 ? ` and --ignore ${result.ignore.join(' ')}` : ''}) for ${result.deps.map((deps) => deps.platform.platform).join(' and ')}${labelsSummary(result.labels)}`,
    context_dir: result.contextDir,
    dependency_images: result.deps.flatMap((deps) => Object.values(deps.tags)),
    ignore: [...result.ignore],
    labels: { ...result.labels },
  }),
  skipRest: (_result, job) =>
    job.config.dryRun ? 'dry run: the build contexts are rendered, nothing is built or pushed' : undefined,
};

/** Renders the build context into the job's folder. */
export async function inject(job: FlActorsJob, input: InjectInput): Promise<InjectResult> {
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
    roles: ['learner', 'aggregator'],
    depsRepository: depsRepository(input.images.path),
    env: job.config.flavor === undefined ? {} : { ML_MODEL_FLAVOR: job.config.flavor },
  });
  return {
    ...context,
    repoFiles: copied.files,
    excludedFiles: copied.excluded,
    ignore: job.config.ignore,
    labels: job.config.labels,
  };
}
