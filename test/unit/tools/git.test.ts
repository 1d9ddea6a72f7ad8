// What the remote names before anything is fetched (the rebuild's shortcut, src/repo/clone.ts), against a real git
// repository on disk: the commit `git clone` would check out, or nothing when only the clone can tell.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneRepo, parseLsRemote, type RemoteOptions, remoteCommit } from '../../../src/tools/git.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let scratch: string;
let remote: string;
const commits: Record<string, string> = {};

function git(...args: string[]): string {
  return execFileSync('git', ['-C', remote, '-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], {
    encoding: 'utf8',
  }).trim();
}

beforeAll(async () => {
  scratch = await makeTempDir('unit-tools-git');
  remote = join(scratch, 'remote');
  execFileSync('git', ['init', '-q', '-b', 'main', remote]);
  git('commit', '-q', '--allow-empty', '-m', 'first');
  commits.first = git('rev-parse', 'HEAD');
  git('tag', '-a', 'v1', '-m', 'an annotated tag');
  git('tag', 'light');
  git('commit', '-q', '--allow-empty', '-m', 'second');
  commits.second = git('rev-parse', 'HEAD');
  // A branch and a tag of one name: git clone --branch takes the branch.
  git('branch', 'both');
  git('tag', 'both', commits.first);
});
afterAll(() => removeTempDir(scratch));

const options = (ref: string | undefined): RemoteOptions => ({
  url: remote,
  ref,
  token: undefined,
  privateDir: scratch,
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  signal: new AbortController().signal,
});

describe('remoteCommit', () => {
  it('names the commit of HEAD, a branch, an annotated tag and a lightweight tag', async () => {
    expect(await remoteCommit(options(undefined))).toBe(commits.second);
    expect(await remoteCommit(options('main'))).toBe(commits.second);
    expect(await remoteCommit(options('v1'))).toBe(commits.first);
    expect(await remoteCommit(options('light'))).toBe(commits.first);
    expect(await remoteCommit(options('refs/tags/v1'))).toBe(commits.first);
  });

  it('prefers the branch to a tag of the same name, as the clone does', async () => {
    expect(await remoteCommit(options('both'))).toBe(commits.second);
    const cloned = await cloneRepo({
      ...options('both'),
      displayUrl: remote,
      dir: join(scratch, 'clone-both'),
      submodules: false,
    });
    expect(cloned.sha).toBe(commits.second);
    expect(cloned.date).toBeInstanceOf(Date);
  });

  it('leaves a name the remote lacks and an abbreviated sha to the clone; a full sha is its own commit', async () => {
    expect(await remoteCommit(options('no-such-branch'))).toBeUndefined();
    expect(await remoteCommit(options(commits.first.slice(0, 10)))).toBeUndefined();
    expect(await remoteCommit({ ...options(commits.first.toUpperCase()), url: join(scratch, 'nowhere') })).toBe(
      commits.first,
    );
  });

  it('fails as the clone would when the remote is not there', async () => {
    await expect(remoteCommit({ ...options('main'), url: join(scratch, 'nowhere') })).rejects.toThrow(
      /does not appear to be a git repository|not found/i,
    );
  });
});

describe('parseLsRemote', () => {
  it('reads each line as a sha and a name', () => {
    expect(parseLsRemote('a1\tHEAD\nb2\trefs/heads/main\n\n')).toEqual(
      new Map([
        ['HEAD', 'a1'],
        ['refs/heads/main', 'b2'],
      ]),
    );
  });
});
