// Looks over an untrusted clone before anything of it is read or copied: links out of it, its size, Git LFS pointers.

import { lstat, open, realpath } from 'node:fs/promises';
import { linkStaysInside, readIgnoreRules, repoFiles } from './repo-files.js';

/** How much the working tree may hold, without `.git`. */
export interface RepoLimits {
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** What the scan found; it stops counting early once a limit is passed. */
export interface RepoScan {
  readonly files: number;
  readonly bytes: number;
  /** The first limit passed, if any. */
  readonly overLimit: 'files' | 'bytes' | undefined;
  /** Symbolic links that resolve outside the repo (repo-relative paths). */
  readonly escapingLinks: readonly string[];
  /** Git LFS pointer files that a build context would get instead of the real files. */
  readonly lfsPointers: readonly string[];
}

/** The first line of every Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
export const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/v1';
// The spec caps pointer files at 1024 bytes; a real file of that size rarely starts with the prefix.
const LFS_POINTER_MAX_BYTES = 1024;

/** Scans `repoDir` (never following links, never entering `.git`). */
export async function scanRepo(
  repoDir: string,
  limits: RepoLimits,
  extraIgnore: readonly string[] = [],
): Promise<RepoScan> {
  const ignored = await readIgnoreRules(repoDir, extraIgnore);
  const root = await realpath(repoDir);
  let files = 0;
  let bytes = 0;
  let overLimit: RepoScan['overLimit'];
  const escapingLinks: string[] = [];
  const lfsPointers: string[] = [];

  for await (const { source, path, entry } of repoFiles(repoDir)) {
    files += 1;
    if (entry.isSymbolicLink()) {
      if (!(await linkStaysInside(repoDir, root, source))) escapingLinks.push(path);
    } else if (entry.isFile()) {
      const { size } = await lstat(source);
      bytes += size;
      if (size <= LFS_POINTER_MAX_BYTES && !ignored(path) && (await startsWith(source, LFS_POINTER_PREFIX)))
        lfsPointers.push(path);
    }
    if (files > limits.maxFiles) overLimit = 'files';
    else if (bytes > limits.maxBytes) overLimit = 'bytes';
    if (overLimit) break;
  }
  return { files, bytes, overLimit, escapingLinks: escapingLinks.sort(), lfsPointers: lfsPointers.sort() };
}

async function startsWith(file: string, prefix: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(buffer, 0, prefix.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8') === prefix;
  } finally {
    await handle.close();
  }
}
