// Fetching the repo a plan builds from (a git clone, a folder's copy or an archive's download), and a failed clone
// told apart for people: shared by fl_actors and training.

import { join } from 'node:path';
import type { FlActorsConfig, TrainingConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import {
  archiveTag,
  copySource,
  downloadArchive,
  type FetchedSource,
  type SourceOptions,
  unpackSource,
} from '../sources/fetch-source.js';
import { SourceError } from '../sources/source-error.js';
import type { RepoUrl } from '../tables/repo-url.js';
import { classifyCloneError, cloneRepo, type RemoteOptions, remoteCommit } from '../tools/git.js';

/** A job of a plan that builds from a repo. */
export type RepoJob = Job<FlActorsConfig | TrainingConfig>;

/** The source as the plan's later phases see it, and the plan's images of it when the registry holds them. */
export interface ClonedSource<E> {
  readonly kind: RepoUrl['kind'];
  readonly repoDir: string;
  /** The commit's sha; for a folder or archive, its 40-hex tag (see sources/fetch-source.ts). */
  readonly commitSha: string;
  /** The commit's date; an archive's newest entry time; undefined for a folder (and an archive's skipped build). */
  readonly commitDate: Date | undefined;
  /** What `findExisting` found for the sha or tag; undefined on --dry-run. */
  readonly existing: E | undefined;
}

/** How messages name what a source's tag stands for: "commit", "folder tag" or "archive tag". */
export const tagWord = (kind: RepoUrl['kind']): string => (kind === 'git' ? 'commit' : `${kind} tag`);

/**
 * Fetches the job's source into its folder and asks `findExisting` for the plan's images of its sha or tag. An
 * archive is named from its download and unpacked only when its images are missing.
 */
export async function cloneSource<E>(
  job: RepoJob,
  log: Logger,
  findExisting: (tag: string) => Promise<E | undefined>,
): Promise<ClonedSource<E>> {
  const { repo, dryRun } = job.config;
  const lookUp = (tag: string) => (dryRun ? Promise.resolve(undefined) : findExisting(tag));
  if (repo.kind === 'git') return fetchGit(job, lookUp);
  try {
    return await fetchOther(job, { ...sourceOptions(job), repo }, log, lookUp);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    throw new PhaseError(error.code, error.message, { cause: error });
  }
}

/**
 * The remote names the commit first, without a fetch: when its images exist, nothing is cloned (a rebuild of a built
 * commit then takes about as long as asking the registry). Otherwise, or when the remote cannot name it, the clone.
 */
async function fetchGit<E>(job: RepoJob, lookUp: (tag: string) => Promise<E | undefined>): Promise<ClonedSource<E>> {
  const repoDir = join(job.workdir, 'repo');
  const named = job.config.dryRun ? undefined : await gitStep(job, () => remoteCommit(gitOptions(job)));
  const found = named === undefined ? undefined : await lookUp(named);
  if (named !== undefined && found !== undefined) {
    return { kind: 'git', repoDir, commitSha: named, commitDate: undefined, existing: found };
  }
  const { sha, date } = await gitStep(job, () =>
    cloneRepo({
      ...gitOptions(job),
      displayUrl: job.config.repo.display,
      dir: repoDir,
      submodules: job.config.submodules,
    }),
  );
  // A push between the two questions moves the branch: the images are then looked up for the commit cloned.
  const existing = sha === named ? undefined : await lookUp(sha);
  return { kind: 'git', repoDir, commitSha: sha, commitDate: date, existing };
}

/** A folder is copied, then named; an archive is named from its download, and unpacked only when it will be built. */
async function fetchOther<E>(
  job: RepoJob,
  options: SourceOptions,
  log: Logger,
  lookUp: (tag: string) => Promise<E | undefined>,
): Promise<ClonedSource<E>> {
  let fetched: FetchedSource;
  let unpack: (() => Promise<FetchedSource>) | undefined;
  if (options.repo.kind === 'folder') {
    fetched = await copySource({ ...options, repo: options.repo });
  } else {
    const { file, saved } = await downloadArchive({ ...options, repo: options.repo });
    const tag = archiveTag(saved);
    log.info({ bytes: saved.bytes, sha256: saved.sha256 }, 'Downloaded the archive');
    fetched = { repoDir: join(job.workdir, 'repo'), tag, date: undefined };
    unpack = () => unpackSource(options, file, tag);
  }
  const existing = await lookUp(fetched.tag);
  if (existing === undefined && unpack !== undefined) fetched = await unpack();
  const { repoDir, tag, date } = fetched;
  return { kind: options.repo.kind, repoDir, commitSha: tag, commitDate: date, existing };
}

function sourceOptions(job: RepoJob): Omit<SourceOptions, 'repo'> {
  const { config } = job;
  return {
    workdir: job.workdir,
    limits: { maxBytes: config.maxRepoBytes, maxEntries: config.maxRepoFiles },
    s3: config.s3,
    extraCa: job.extraCa,
    signal: job.signal,
  };
}

function gitOptions(job: RepoJob): RemoteOptions {
  const { config } = job;
  return {
    url: config.repo.url,
    ref: config.ref,
    token: config.gitToken,
    privateDir: job.privateDir,
    env: job.toolEnv,
    signal: job.signal,
  };
}

/** Runs a git step; its failure becomes the clone phase's error, told apart for people. */
async function gitStep<T>(job: RepoJob, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
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
