// Copies the repo into a build context: never .git, never what the repo's .dockerignore excludes, no links out of the repo.

import dockerignore from '@balena/dockerignore';
import { copyFile, lstat, mkdir, readdir, readFile, readlink, realpath, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** What was copied and what was left out. */
export interface CopyReport {
  readonly files: number;
  readonly excluded: number;
  /** Symbolic links that point outside the repo (relative paths); the caller refuses them. */
  readonly escapingLinks: readonly string[];
}

/** The repo's `.dockerignore` rules, as a test of repo-relative paths. */
export async function readIgnoreRules(repoDir: string): Promise<(path: string) => boolean> {
  const rules = await readFile(join(repoDir, '.dockerignore'), 'utf8').catch(() => '');
  // The package is CommonJS: under NodeNext its factory is reached through `.default`.
  const ignores = dockerignore.default().add(rules.split(/\r?\n/));
  return (path) => ignores.ignores(path);
}

/** True for `.git` and anything inside a `.git` at any depth (a submodule has its own). */
export function isGitPath(path: string): boolean {
  return path.split(sep).includes('.git');
}

/** Whether the symbolic link at `source` resolves to a place inside the repo whose real path is `root`. */
export async function linkStaysInside(repoDir: string, root: string, source: string): Promise<boolean> {
  const resolved = resolve(dirname(source), await readlink(source));
  return realpath(resolved).then((real) => real === root || real.startsWith(root + sep), () => !relative(repoDir, resolved).startsWith('..'));
}

/** Copies `repoDir` to `targetDir`, applying `.dockerignore` the way a docker build would. */
export async function copyRepo(repoDir: string, targetDir: string): Promise<CopyReport> {
  const ignores = await readIgnoreRules(repoDir);
  const root = await realpath(repoDir);
  const report = { files: 0, excluded: 0, escapingLinks: [] as string[] };

  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const source = join(dir, entry.name);
      const path = relative(repoDir, source);
      if (isGitPath(path)) continue;
      if (entry.isDirectory()) {
        await walk(source);
        continue;
      }
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
      } else if ((await lstat(source)).isFile()) {
        await copyFile(source, target);
      }
      report.files += 1;
    }
  };
  await walk(repoDir);
  return report;
}
