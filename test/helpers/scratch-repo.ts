// A fresh folder holding an empty `repo/` for every test of the file that calls it, and a way to fill it.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** The current test's folders; read them inside tests, not at collection time. */
export interface ScratchRepo {
  readonly scratch: string;
  readonly repo: string;
  /** Writes files (repo-relative path → text), making folders as needed. */
  put(files: Record<string, string>): Promise<void>;
}

/** Registers beforeEach/afterEach hooks that make and remove the folders. */
export function useScratchRepo(purpose: string): ScratchRepo {
  const current = { scratch: '', repo: '' };
  beforeEach(async () => {
    current.scratch = await makeTempDir(purpose);
    current.repo = join(current.scratch, 'repo');
    await mkdir(current.repo);
  });
  afterEach(() => removeTempDir(current.scratch));
  return {
    get scratch() {
      return current.scratch;
    },
    get repo() {
      return current.repo;
    },
    async put(files) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(current.repo, path)), { recursive: true });
        await writeFile(join(current.repo, path), text);
      }
    },
  };
}
