// Cloning the repo a plan builds from, and a failed clone told apart for people: shared by fl_actors and training.

import { join } from 'node:path';
import type { FlActorsConfig, TrainingConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { classifyCloneError, cloneRepo } from '../tools/git.js';

/** A job of a plan that builds from a git repo. */
export type RepoJob = Job<FlActorsConfig | TrainingConfig>;

/** Clones the repo at the asked ref into the job's folder; returns the folder and the commit. */
export async function cloneSource(job: RepoJob): Promise<{ repoDir: string; commitSha: string }> {
  const { config } = job;
  const repoDir = join(job.workdir, 'repo');
  try {
    const commitSha = await cloneRepo({
      url: config.repo.url,
      displayUrl: config.repo.display,
      dir: repoDir,
      ref: config.ref,
      submodules: config.submodules,
      token: config.gitToken,
      privateDir: job.privateDir,
      env: job.toolEnv,
      timeoutMs: config.phaseTimeoutsMs.clone,
      signal: job.signal,
    });
    return { repoDir, commitSha };
  } catch (error) {
    throw cloneError(error, job);
  }
}

function cloneError(error: unknown, job: RepoJob): PhaseError {
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
