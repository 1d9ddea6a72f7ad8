// Cloning the user's repo with simple-git: no prompts, a time limit, and a token that stays out of argv and .git/config.

import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';

/** How to clone. */
export interface CloneOptions {
  readonly url: string;
  /** The URL without credentials; becomes the clone's `origin`. */
  readonly displayUrl: string;
  readonly dir: string;
  readonly ref: string | undefined;
  /** Also fetch submodules (shallow); off by default, since they can point anywhere. */
  readonly submodules: boolean;
  readonly token: string | undefined;
  /** A private folder (mode 0700) for the askpass helper. */
  readonly privateDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** A limit on git going silent, of its own; without one, `signal` carries the clone phase's limit. */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
}

/** Why a clone failed, as far as git's message tells. */
export type CloneFailure = 'not-found' | 'ref-not-found' | 'auth' | 'unreachable' | 'other';

// Answers git's prompts from the environment, so the token never appears in argv or in .git/config.
const ASKPASS = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "\${FLOPS_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "$FLOPS_GIT_TOKEN" ;;
esac
`;

const GUARDED_VARIABLES = ['GIT_TERMINAL_PROMPT', 'GIT_ASKPASS'];

const FULL_OR_SHORT_SHA = /^[0-9a-f]{7,40}$/i;

/** Clones `url` at `ref` (branch, tag or commit) into `dir`; returns the full commit sha checked out and its date. */
export async function cloneRepo(options: CloneOptions): Promise<{ sha: string; date: Date | undefined }> {
  const env: Record<string, string> = { ...options.env, GIT_TERMINAL_PROMPT: '0' };
  if (options.token) {
    const askpass = join(options.privateDir, 'git-askpass.sh');
    await writeFile(askpass, ASKPASS, { mode: 0o700 });
    await chmod(askpass, 0o700);
    Object.assign(env, { GIT_ASKPASS: askpass, FLOPS_GIT_TOKEN: options.token });
  }
  const git = (baseDir: string): SimpleGit =>
    // simple-git guards variables that change how git authenticates; ours are deliberate.
    simpleGit({
      baseDir,
      timeout: options.timeoutMs === undefined ? undefined : { block: options.timeoutMs },
      abort: options.signal,
      allowEnvironment: GUARDED_VARIABLES,
      unsafe: { allowUnsafeAskPass: true },
    }).env(env);

  const isCommit = options.ref !== undefined && FULL_OR_SHORT_SHA.test(options.ref);
  // A commit cannot be cloned shallowly by name; branches and tags can.
  const cloneArgs = isCommit
    ? ['--no-checkout']
    : ['--depth', '1', '--single-branch', ...(options.ref ? ['--branch', options.ref] : [])];
  await git(dirname(options.dir)).clone(options.url, options.dir, ['--no-recurse-submodules', ...cloneArgs]);
  const repo = git(options.dir);
  if (isCommit) await repo.checkout(['--detach', options.ref as string]);
  if (options.submodules) await repo.subModule(['update', '--init', '--recursive', '--depth', '1']);
  await repo.remote(['set-url', 'origin', options.displayUrl]);
  const sha = (await repo.revparse(['HEAD'])).trim();
  const date = new Date((await repo.show(['-s', '--format=%cI', 'HEAD'])).trim());
  return { sha, date: Number.isNaN(date.getTime()) ? undefined : date };
}

/** Classifies git's error text, so the message can say which of the usual problems it was. */
export function classifyCloneError(message: string): CloneFailure {
  if (
    /Remote branch .* not found|did not match any file|reference is not a tree|unknown revision|pathspec .* did not match/i.test(
      message,
    )
  ) {
    return 'ref-not-found';
  }
  if (/Authentication failed|could not read Username|could not read Password|Permission denied|403/i.test(message))
    return 'auth';
  if (
    /not found|does not appear to be a git repository|repository .* does not exist|no such repository|No such file or directory|access denied or repository not exported/i.test(
      message,
    )
  ) {
    return 'not-found';
  }
  if (
    /Could not resolve host|Connection refused|Connection timed out|unable to connect|Network is unreachable|timed out/i.test(
      message,
    )
  ) {
    return 'unreachable';
  }
  return 'other';
}
