// Copies the repo into a build context: never .git, never what the repo's .dockerignore excludes, no links out of the repo.

import { copyFile, mkdir, readlink, realpath, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { linkStaysInside, readIgnoreRules, repoFiles } from './repo-files.js';

/** What was copied and what was left out. */
export interface CopyReport {
  readonly files: number;
  readonly excluded: number;
  /** Symbolic links that point outside the repo (relative paths); the caller refuses them. */
  readonly escapingLinks: readonly string[];
}

/** Copies `repoDir` to `targetDir`, applying `.dockerignore` (then `extraIgnore`) the way a docker build would. */
export async function copyRepo(
  repoDir: string,
  targetDir: string,
  extraIgnore: readonly string[] = [],
): Promise<CopyReport> {
  const ignores = await readIgnoreRules(repoDir, extraIgnore);
  const root = await realpath(repoDir);
  const report = { files: 0, excluded: 0, escapingLinks: [] as string[] };

  for await (const { source, path, entry } of repoFiles(repoDir)) {
    // Files are tested one by one, so "!" exceptions inside an excluded folder still apply.
    if (ignores(path)) {
      report.excluded += 1;
      continue;
    }
    const target = join(targetDir, path);
    await mkdir(dirname(target), { recursive: true });
    if (entry.isSymbolicLink()) {
      if (!(await linkStaysInside(repoDir, root, source))) {
        report.escapingLinks.push(path);
        continue;
      }
      await symlink(await readlink(source), target);
    } else if (entry.isFile()) {
      await copyFile(source, target);
    }
    report.files += 1;
  }
  return report;
}
