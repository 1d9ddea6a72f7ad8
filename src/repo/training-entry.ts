// What `IMAGE train` runs: the file --entry names, else train.py, else the `train` script the repo's pyproject declares.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import toml from 'toml';
import { PhaseError } from '../errors.js';

/** The default entry file at the repo's root. */
export const DEFAULT_ENTRY = 'train.py';

/** A file run as a script (`train.py`), or a function `module:function` called with no arguments (a pyproject script). */
export interface TrainingEntry {
  readonly kind: 'file' | 'function';
  /** `train.py`, `src/train.py`, or `iris.cli:main`. */
  readonly value: string;
  /** Why this one: named by --entry, the default file, or the pyproject's script. */
  readonly source: '--entry' | 'default' | 'pyproject';
}

// A console script's target as PEP 621 writes it: a module path, a colon, an attribute path (no extras).
const SCRIPT_TARGET = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/;

/** Finds the entry in the clone; the file --entry names must be there (config has checked its spelling). */
export function findTrainingEntry(repoDir: string, asked: string | undefined): TrainingEntry {
  if (asked !== undefined) {
    if (isFile(join(repoDir, asked))) return { kind: 'file', value: asked, source: '--entry' };
    throw new PhaseError('TRAINING_ENTRY_MISSING', `--entry names ${asked}, which is not a file in the repo`);
  }
  if (isFile(join(repoDir, DEFAULT_ENTRY))) return { kind: 'file', value: DEFAULT_ENTRY, source: 'default' };
  const script = pyprojectTrainScript(repoDir);
  if (script !== undefined) return { kind: 'function', value: script, source: 'pyproject' };
  throw new PhaseError(
    'TRAINING_ENTRY_MISSING',
    `the repo has no ${DEFAULT_ENTRY} at its root and its pyproject.toml declares no "train" in [project.scripts]; add one, or name the file to run with --entry`,
  );
}

/** `[project.scripts] train = "module:function"`, when the repo's pyproject.toml declares it. */
function pyprojectTrainScript(repoDir: string): string | undefined {
  const file = join(repoDir, 'pyproject.toml');
  if (!isFile(file)) return undefined;
  let document: { project?: { scripts?: Record<string, unknown> } };
  try {
    document = toml.parse(readFileSync(file, 'utf8')) as typeof document;
  } catch {
    // validate reports an unreadable pyproject.toml when it is the environment file; here it declares nothing.
    return undefined;
  }
  const target = document.project?.scripts?.train;
  if (target === undefined) return undefined;
  if (typeof target !== 'string' || !SCRIPT_TARGET.test(target.trim())) {
    throw new PhaseError(
      'TRAINING_ENTRY_MISSING',
      `pyproject.toml's [project.scripts] train is ${JSON.stringify(target)}; write it as "module:function"`,
    );
  }
  return target.trim();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
