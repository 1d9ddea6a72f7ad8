// Finds the repo's environment file and reads it, whatever its format.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCondaEnv } from './conda.js';
import { EnvFileError, type EnvSpec } from './env-spec.js';
import { readPyProject } from './pyproject.js';
import { readRequirements } from './requirements.js';

/** The files looked for, in order of precedence: the first one present is used. */
export const ENV_FILES = ['conda.yaml', 'conda.yml', 'environment.yml', 'environment.yaml', 'requirements.txt', 'pyproject.toml'] as const;

/** The first environment file present at the repo root, or undefined. */
export function findEnvFile(repoDir: string): string | undefined {
  return ENV_FILES.find((name) => existsSync(join(repoDir, name)));
}

/** Reads the given environment file into the common model; throws EnvFileError naming the file. */
export function readEnvFile(repoDir: string, file: string): EnvSpec {
  if (file === 'requirements.txt') return readRequirements(repoDir, file);
  let text: string;
  try {
    text = readFileSync(join(repoDir, file), 'utf8');
  } catch (error) {
    throw new EnvFileError(file, 'cannot be read', { cause: error });
  }
  return file === 'pyproject.toml' ? readPyProject(file, text) : readCondaEnv(file, text);
}
