// Phase 1: fetch the repo, learn its commit, and find out at once whether its images already exist.

import { join } from 'node:path';
import { PhaseError } from '../errors.js';
import { deriveImageNames, type ImageNames } from '../images/image-names.js';
import { LABELS } from '../images/labels.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { classifyCloneError, cloneRepo } from '../tools/git.js';
import { RegistryError, type RemoteImage } from '../tools/registry-api.js';
import type { PhaseBehaviour } from './phase.js';

/** The clone, its commit, and the images of that commit if the registry has them already. */
export interface CloneResult {
  readonly repoDir: string;
  readonly commitSha: string;
  readonly images: ImageNames;
  readonly existing: { readonly learner: RemoteImage; readonly aggregator: RemoteImage } | undefined;
}

export const clonePhase: PhaseBehaviour<CloneResult> = {
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
export async function clone(job: Job, log: Logger): Promise<CloneResult> {
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

/** Both images, when the registry holds them for this commit and this builder version; checks access either way. */
async function findExisting(job: Job, images: ImageNames): Promise<CloneResult['existing']> {
  try {
    await job.registry.ping();
    if (job.config.force) return undefined;
    const [learner, aggregator] = await Promise.all([
      job.registry.findImage(images.learnerRepository, images.tag, job.architecture),
      job.registry.findImage(images.aggregatorRepository, images.tag, job.architecture),
    ]);
    const current = (image: RemoteImage | undefined): image is RemoteImage =>
      image?.labels[LABELS.builderVersion] === job.builderVersion;
    return current(learner) && current(aggregator) ? { learner, aggregator } : undefined;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const code = error.kind === 'auth' ? 'REGISTRY_AUTH_FAILED' : 'REGISTRY_UNREACHABLE';
    throw new PhaseError(code, `${error.message}. Check the registry URL and credentials before building.`, {
      cause: error,
    });
  }
}

function cloneError(error: unknown, job: Job): PhaseError {
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
