// What a dependency image lets code import: the list its install stage wrote (fl-templates/checks/installed_modules.py),
// read from the local stage once it is built, and kept in the image's label so a later job that reuses the image
// from the registry has it without pulling anything.

import type { Job } from '../job.js';
import { buildahFromArgs, buildahRmArgs } from '../tools/buildah-args.js';
import { IMAGE_ROOT_VARIABLE } from './verify-platform.js';

/** Where the install stages write the list; it stays in the stage, never in an image that is pushed. */
export const INSTALLED_MODULES_FILE = '/opt/flops/modules.json';

/** One installed distribution and the top-level modules its files make importable. */
export interface InstalledDistribution {
  readonly name: string;
  readonly version: string;
  readonly modules: readonly string[];
}

/** The image's python, its standard library's module names, and every installed distribution's modules. */
export interface InstalledModules {
  readonly python: string;
  readonly stdlib: readonly string[];
  readonly distributions: readonly InstalledDistribution[];
  /** Modules in site-packages that no distribution's files name. */
  readonly unowned: readonly string[];
}

const READ_MS = 2 * 60_000;

/** Reads the list from a local image (an install stage by ID, or a conda dependency image), as its JSON text. */
export async function readInstalledModules(job: Job, image: string): Promise<string> {
  const call = { timeoutMs: READ_MS, signal: job.signal };
  const container = (await job.buildah.run(buildahFromArgs(image), call)).stdout.trim();
  try {
    // A rootless buildah mounts only inside its user namespace: the file is read there.
    const command = readMountedFileArgs(INSTALLED_MODULES_FILE);
    const { stdout } = await job.buildah.runMounted({ [IMAGE_ROOT_VARIABLE]: container }, command, call);
    return stdout.trim();
  } finally {
    await job.buildah.run(buildahRmArgs([container]), call).catch(() => undefined);
  }
}

/** `python3` printing a file of the mounted image, whose root is in IMAGE_ROOT_VARIABLE: no shell. */
export function readMountedFileArgs(path: string): [string, ...string[]] {
  const program = 'import os, sys; sys.stdout.write(open(os.environ[sys.argv[1]] + sys.argv[2]).read())';
  return ['python3', '-c', program, IMAGE_ROOT_VARIABLE, path];
}

/** The list from its JSON text (a file or a label); undefined for anything else, e.g. an image made before it. */
export function parseInstalledModules(text: string | undefined): InstalledModules | undefined {
  if (text === undefined || text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const found = value as Partial<InstalledModules> | null;
  const strings = (list: unknown): boolean => Array.isArray(list) && list.every((item) => typeof item === 'string');
  const valid =
    found !== null &&
    typeof found === 'object' &&
    typeof found.python === 'string' &&
    strings(found.stdlib) &&
    strings(found.unowned) &&
    Array.isArray(found.distributions) &&
    found.distributions.every(
      (item: Partial<InstalledDistribution>) =>
        typeof item?.name === 'string' && typeof item.version === 'string' && strings(item.modules),
    );
  return valid ? (found as InstalledModules) : undefined;
}

/**
 * One list of two environments' lists (JSON text), as installed_modules.py lists both prefixes at once: each
 * distribution once, and a module unowned only when neither environment's distributions claim it. '' when either is
 * not a list.
 */
export function mergeInstalledModules(first: string, second: string): string {
  const a = parseInstalledModules(first);
  const b = parseInstalledModules(second);
  if (a === undefined || b === undefined) return '';
  const claimed = (list: InstalledModules): Set<string> =>
    new Set(list.distributions.flatMap((distribution) => distribution.modules));
  const key = (distribution: InstalledDistribution): string => `${distribution.name}==${distribution.version}`;
  const known = new Set(a.distributions.map(key));
  const [claimedA, claimedB] = [claimed(a), claimed(b)];
  const unowned = new Set([
    ...a.unowned.filter((name) => !claimedB.has(name)),
    ...b.unowned.filter((name) => !claimedA.has(name)),
  ]);
  const merged: InstalledModules = {
    python: a.python,
    stdlib: a.stdlib,
    distributions: [...a.distributions, ...b.distributions.filter((distribution) => !known.has(key(distribution)))],
    unowned: [...unowned].sort(),
  };
  return JSON.stringify(merged);
}
