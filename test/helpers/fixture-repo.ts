import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { execa } from 'execa';
import type { TestGitDaemon } from './git-daemon.js';

// File contents keyed by repo-relative path; null deletes the file.
export type FileChanges = Readonly<Record<string, string | null>>;

// What createFixtureRepo needs to know about the repository to make.
export interface FixtureRepoSpec {
  readonly owner: string;
  readonly name: string;
  // Folder whose files (minus any .git) become the first commit.
  readonly from?: string;
  // Files added, overridden or (null) deleted on top of `from`.
  readonly files?: FileChanges;
}

// A served fixture repository and the work tree its commits are made in.
export interface FixtureRepo {
  // git://127.0.0.1:port/<owner>/<name>.git
  readonly url: string;
  // Full sha of the first commit.
  readonly sha: string;
  readonly bareDir: string;
  readonly workDir: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const GIT_TIMEOUT_MS = 30_000;

// Fixed identity and dates, and no user or system config, so commits work on a bare CI box.
function gitEnv(): Record<string, string> {
  const date = '2024-01-01T00:00:00Z';
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'FLOps Test',
    GIT_AUTHOR_EMAIL: 'test@flops.invalid',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: 'FLOps Test',
    GIT_COMMITTER_EMAIL: 'test@flops.invalid',
    GIT_COMMITTER_DATE: date,
  };
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await execa('git', args, { cwd, env: gitEnv(), extendEnv: false, timeout: GIT_TIMEOUT_MS });
  return result.stdout.trim();
}

async function applyFiles(workDir: string, files: FileChanges): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const clean = normalize(path);
    if (isAbsolute(clean) || clean === '..' || clean.startsWith('../') || clean.split('/').includes('.git')) {
      throw new Error(`fixture file path ${JSON.stringify(path)} must be relative, inside the repo and outside .git`);
    }
    const target = join(workDir, clean);
    if (content === null) {
      await rm(target, { recursive: true, force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
}

async function commitAndPush(repo: { workDir: string; bareDir: string }, message: string): Promise<string> {
  await git(repo.workDir, ['add', '--all']);
  await git(repo.workDir, ['commit', '--quiet', '--allow-empty', '--no-gpg-sign', '-m', message]);
  await git(repo.workDir, ['push', '--quiet', repo.bareDir, 'HEAD:refs/heads/main']);
  return git(repo.workDir, ['rev-parse', 'HEAD']);
}

// Creates <baseDir>/<owner>/<name>.git with one commit on main and returns its URL and sha.
// The work tree lives beside baseDir, so stopping the daemon deletes it too.
export async function createFixtureRepo(
  daemon: Pick<TestGitDaemon, 'baseDir' | 'urlFor'>,
  spec: FixtureRepoSpec,
): Promise<FixtureRepo> {
  for (const [field, value] of [
    ['owner', spec.owner],
    ['name', spec.name],
  ] as const) {
    if (!SAFE_SEGMENT.test(value)) {
      throw new Error(`fixture repo ${field} ${JSON.stringify(value)} must match ${SAFE_SEGMENT}`);
    }
  }
  const bareDir = join(daemon.baseDir, spec.owner, `${spec.name}.git`);
  const workDir = join(dirname(daemon.baseDir), 'worktrees', spec.owner, spec.name);
  await mkdir(workDir, { recursive: true });
  if (spec.from !== undefined) {
    await cp(spec.from, workDir, { recursive: true, filter: (src) => basename(src) !== '.git' });
  }
  await applyFiles(workDir, spec.files ?? {});
  await git(workDir, ['init', '--quiet', '--initial-branch=main']);
  await mkdir(bareDir, { recursive: true });
  await git(bareDir, ['init', '--quiet', '--bare', '--initial-branch=main']);
  const sha = await commitAndPush({ workDir, bareDir }, `fixture ${spec.owner}/${spec.name}`);
  return { url: daemon.urlFor(`${spec.owner}/${spec.name}`), sha, bareDir, workDir };
}

// Commits `files` on top of the fixture's main branch, publishes it and returns the new sha.
export async function addCommit(repo: FixtureRepo, files: FileChanges, message = 'fixture change'): Promise<string> {
  await applyFiles(repo.workDir, files);
  return commitAndPush(repo, message);
}
