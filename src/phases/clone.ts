// Phase 1: fetch the repo, learn its commit, and find out at once whether its images already exist.

import { join } from 'node:path';
import type { FlActorsConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import { findCurrentImages } from '../images/existing-image.js';
import { deriveImageNames, type ImageNames } from '../images/image-names.js';
import type { FlActorsJob } from '../job.js';
import type { Logger } from '../report/logger.js';
import { classifyCloneError, cloneRepo } from '../tools/git.js';
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
  const repoDir = join(job.workdir, 'repo');
  let commitSha: string;
  try {
    commitSha = await cloneRepo({
      url: config.repo.url,
      displayUrl: config.repo.display,
      dir: repoDir,
      ref: config.ref,
      submodules: config.submodules,
      token: config.gitToken,
      privateDir: job.privateDir,
      env: job.config.toolEnv,
      timeoutMs: config.phaseTimeoutsMs.clone,
      signal: job.signal,
    });
  } catch (error) {
    throw cloneError(error, job);
  }
  const images = deriveImageNames(config.repo, config.registry.hostPort, commitSha);
  log.info({ commit_sha: commitSha, learner: images.learner, aggregator: images.aggregator }, 'Cloned');
  if (config.dryRun) return { repoDir, commitSha, images, existing: undefined };
  const existing = await findExisting(job, images);
  return { repoDir, commitSha, images, existing };
}

/** Both images, when the registry holds them for this commit, builder, flavor and platforms. */
async function findExisting(job: FlActorsJob, images: ImageNames): Promise<CloneResult['existing']> {
  const wanted = { mlModelFlavor: job.config.flavor, platforms: job.config.platforms };
  const repositories = [images.learnerRepository, images.aggregatorRepository];
  const [learner, aggregator] = await findCurrentImages(job, repositories, images.tag, wanted);
  return learner && aggregator ? { learner, aggregator } : undefined;
}

function cloneError(error: unknown, job: FlActorsJob): PhaseError {
  const message = error instanceof Error ? error.message : String(error);
  const repo = job.config.repo.display;
  switch (classifyCloneError(message)) {
    case 'ref-not-found':
      return new PhaseError(
        'REF_NOT_FOUND',
        `the ref "${job.config.ref ?? ''}" does not exist in ${repo}; check the branch or commit`,
        { cause: error },
      );
    case 'auth':
      return new PhaseError('CLONE_FAILED', `the git server refused access to ${repo}; check GIT_TOKEN`, {
        cause: error,
      });
    case 'not-found':
      return new PhaseError('CLONE_FAILED', `the repository ${repo} was not found or is not shared; check the URL`, {
        cause: error,
      });
    case 'unreachable':
      return new PhaseError('CLONE_FAILED', `cannot reach the git server of ${repo}: ${lastLine(message)}`, {
        cause: error,
      });
    case 'other':
      return new PhaseError('CLONE_FAILED', `cloning ${repo} failed: ${lastLine(message)}`, {
        cause: error,
      });
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? text;
}
