// The user's repo with simple-git: its commit asked of the remote, and the clone; no prompts, a time limit, and a
// token that stays out of argv and .git/config.

import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';

/** How to reach the repo. */
export interface RemoteOptions {
  readonly url: string;
  readonly ref: string | undefined;
  readonly token: string | undefined;
  /** A private folder (mode 0700) for the askpass helper. */
  readonly privateDir: string;
  readonly env: Readonly<Record<string, string>>;
  /** A limit on git going silent, of its own; without one, `signal` carries the clone phase's limit. */
  readonly timeoutMs?: number;
  readonly signal: AbortSignal;
}

/** How to clone. */
export interface CloneOptions extends RemoteOptions {
  /** The URL without credentials; becomes the clone's `origin`. */
  readonly displayUrl: string;
  readonly dir: string;
  /** Also fetch submodules (shallow); off by default, since they can point anywhere. */
  readonly submodules: boolean;
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
const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit `ref` names on the remote (its HEAD without a ref), asked without fetching anything: a branch first, then
 * a tag, as `git clone --branch` chooses. Undefined when the remote has no such name or the ref is an abbreviated sha;
 * the clone then finds the commit, or says what is wrong.
 */
export async function remoteCommit(options: RemoteOptions): Promise<string | undefined> {
  const { ref } = options;
  if (ref !== undefined && FULL_SHA.test(ref)) return ref.toLowerCase();
  if (ref !== undefined && FULL_OR_SHORT_SHA.test(ref)) return undefined;
  const names = ref === undefined ? ['HEAD'] : refNames(ref);
  const git = gitAt(undefined, options, await gitEnv(options));
  const listed = parseLsRemote(await git.listRemote(['--quiet', '--', options.url, ...names]));
  return names.map((name) => listed.get(name)).find((sha) => sha !== undefined);
}

/** Clones `url` at `ref` (branch, tag or commit) into `dir`; returns the full commit sha checked out and its date. */
export async function cloneRepo(options: CloneOptions): Promise<{ sha: string; date: Date | undefined }> {
  const env = await gitEnv(options);
  const isCommit = options.ref !== undefined && FULL_OR_SHORT_SHA.test(options.ref);
  // A commit cannot be cloned shallowly by name; branches and tags can.
  const cloneArgs = isCommit
    ? ['--no-checkout']
    : ['--depth', '1', '--single-branch', ...(options.ref ? ['--branch', options.ref] : [])];
  await gitAt(dirname(options.dir), options, env).clone(options.url, options.dir, [
    '--no-recurse-submodules',
    ...cloneArgs,
  ]);
  const repo = gitAt(options.dir, options, env);
  if (isCommit) await repo.checkout(['--detach', options.ref as string]);
  if (options.submodules) await repo.subModule(['update', '--init', '--recursive', '--depth', '1']);
  if (options.displayUrl !== options.url) await repo.remote(['set-url', 'origin', options.displayUrl]);
  const [sha = '', dateText = ''] = (await repo.show(['-s', '--format=%H%n%cI', 'HEAD'])).trim().split('\n');
  const date = new Date(dateText);
  return { sha, date: Number.isNaN(date.getTime()) ? undefined : date };
}

/** The names `ls-remote` is asked for, in the order `git clone --branch` prefers them; a tag's commit is its `^{}`. */
function refNames(ref: string): string[] {
  if (ref.startsWith('refs/')) return [`${ref}^{}`, ref];
  return [`refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`];
}

/** `ls-remote`'s lines ("<sha>\t<name>") by name. */
export function parseLsRemote(output: string): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [sha, name] = line.trim().split('\t');
    if (sha && name) listed.set(name, sha);
  }
  return listed;
}

/** git's environment: never a prompt, and the token answered by the askpass helper. */
async function gitEnv(options: RemoteOptions): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...options.env, GIT_TERMINAL_PROMPT: '0' };
  if (options.token) {
    const askpass = join(options.privateDir, 'git-askpass.sh');
    await writeFile(askpass, ASKPASS, { mode: 0o700 });
    await chmod(askpass, 0o700);
    Object.assign(env, { GIT_ASKPASS: askpass, FLOPS_GIT_TOKEN: options.token });
  }
  return env;
}

function gitAt(baseDir: string | undefined, options: RemoteOptions, env: Record<string, string>): SimpleGit {
  // simple-git guards variables that change how git authenticates; ours are deliberate.
  return simpleGit({
    baseDir,
    timeout: options.timeoutMs === undefined ? undefined : { block: options.timeoutMs },
    abort: options.signal,
    allowEnvironment: GUARDED_VARIABLES,
    unsafe: { allowUnsafeAskPass: true },
  }).env(env);
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
