// requirements.txt: one requirement a line, comments, and -r / -c includes that stay inside the repo.

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EnvFileError, type EnvSpec } from './env-spec.js';

/** Reads a requirements file (and the files it includes) into the common model. */
export function readRequirements(repoDir: string, file: string): EnvSpec {
  return {
    file,
    format: 'requirements',
    pythonConstraint: undefined,
    requirements: collect(repoDir, file, new Set()),
    condaName: undefined,
    convertedCondaPackages: [],
  };
}

function collect(repoDir: string, file: string, seen: Set<string>): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(join(repoDir, file), 'utf8');
  } catch (error) {
    throw new EnvFileError(file, 'cannot be read', { cause: error });
  }
  const requirements: string[] = [];
  for (const [index, raw] of joinContinuations(text).entries()) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$/.exec(line);
    if (include) {
      const target = relative(repoDir, resolve(repoDir, dirname(file), include[2] ?? ''));
      if (target.startsWith('..')) throw new EnvFileError(file, `line ${index + 1} includes "${include[2]}", which is outside the repo`);
      // A constraints file only narrows versions of packages installed anyway, so it adds no requirement here.
      if (include[1] === '-r' || include[1] === '--requirement') requirements.push(...collect(repoDir, target, seen));
      continue;
    }
    requirements.push(line);
  }
  return requirements;
}

/** Lines ending in a backslash continue on the next line (hashes are often written that way). */
function joinContinuations(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}
