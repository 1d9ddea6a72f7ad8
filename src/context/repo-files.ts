// Walking an untrusted clone: its files without `.git`, its `.dockerignore` rules, and where its links point.

import type { Dirent } from 'node:fs';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import dockerignore from '@balena/dockerignore';

/** One entry of the walk: everything but folders (files, links, and the odd socket), never followed. */
export interface RepoFile {
  readonly source: string;
  /** Relative to the repo root. */
  readonly path: string;
  readonly entry: Dirent;
}

/** Yields every non-folder entry below `repoDir`, depth first, skipping `.git` at any depth. */
export async function* repoFiles(repoDir: string, dir = repoDir): AsyncGenerator<RepoFile> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const source = join(dir, entry.name);
    const path = relative(repoDir, source);
    if (isGitPath(path)) continue;
    if (entry.isDirectory()) yield* repoFiles(repoDir, source);
    else yield { source, path, entry };
  }
}

/** The repo's `.dockerignore` rules, then `extra` lines (`--ignore`), as a test of repo-relative paths. */
export async function readIgnoreRules(
  repoDir: string,
  extra: readonly string[] = [],
): Promise<(path: string) => boolean> {
  const rules = await readFile(join(repoDir, '.dockerignore'), 'utf8').catch(() => '');
  // The package is CommonJS: under NodeNext its factory is reached through `.default`.
  const ignores = dockerignore.default().add([...rules.split(/\r?\n/), ...extra]);
  return (path) => ignores.ignores(path);
}

/** True for `.git` and anything inside a `.git` at any depth (a submodule has its own). */
export function isGitPath(path: string): boolean {
  return path.split(sep).includes('.git');
}

/** Whether the symbolic link at `source` resolves to a place inside the repo whose real path is `root`. */
export async function linkStaysInside(repoDir: string, root: string, source: string): Promise<boolean> {
  const resolved = resolve(dirname(source), await readlink(source));
  return realpath(resolved).then(
    (real) => real === root || real.startsWith(root + sep),
    () => !relative(repoDir, resolved).startsWith('..'),
  );
}
