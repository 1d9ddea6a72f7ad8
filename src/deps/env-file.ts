// Finds the repo's environment file and reads it, whatever its format.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCondaEnv } from './conda.js';
import { EnvFileError, type EnvSpec } from './env-spec.js';
import { parseRequirement } from './pep508-requirement.js';
import { readPyProject } from './pyproject.js';
import { readPythonEnv } from './python-env.js';
import { readRequirements } from './requirements.js';

/**
 * The files looked for, in order of precedence: the first one present is used. Conda files come first
 * because they say the most (python, conda packages, pip packages); python_env.yaml comes before
 * requirements.txt because MLflow writes both and python_env.yaml adds the python version to it;
 * pyproject.toml comes last because its dependencies are often looser than a lock-like requirements file.
 */
export const ENV_FILES = [
  'conda.yaml',
  'conda.yml',
  'environment.yml',
  'environment.yaml',
  'python_env.yaml',
  'requirements.txt',
  'pyproject.toml',
] as const;

/** The first environment file present at the repo root, or undefined. */
export function findEnvFile(repoDir: string): string | undefined {
  return ENV_FILES.find((name) => existsSync(join(repoDir, name)));
}

/** Reads the given environment file into the common model; throws EnvFileError naming the file. */
export function readEnvFile(repoDir: string, file: string): EnvSpec {
  return checked(readAnyEnvFile(repoDir, file));
}

function readAnyEnvFile(repoDir: string, file: string): EnvSpec {
  if (file === 'requirements.txt') return readRequirements(repoDir, file);
  let text: string;
  try {
    text = readFileSync(join(repoDir, file), 'utf8');
  } catch (error) {
    throw new EnvFileError(file, 'cannot be read', { cause: error });
  }
  if (file === 'pyproject.toml') return readPyProject(file, text);
  if (file === 'python_env.yaml') return readPythonEnv(repoDir, file, text);
  return readCondaEnv(repoDir, file, text);
}

/** Every requirement must be one pip can read; the error names its file and line. */
function checked(env: EnvSpec): EnvSpec {
  for (const entry of [...env.requirements, ...env.constraints]) {
    if (parseRequirement(entry.requirement) === undefined) {
      throw new EnvFileError(
        entry.file,
        `line ${entry.line}: "${entry.requirement}" is not a requirement pip can read (PEP 508: name, [extras], version specifier, ; marker)`,
      );
    }
  }
  return env;
}
