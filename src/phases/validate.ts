// Phase 2: the repo has what FL needs: a ModelManager with the right methods, code that parses, a readable environment.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EnvFileError, type EnvSpec } from '../deps/env-spec.js';
import { ENV_FILES, findEnvFile, readEnvFile } from '../deps/env-file.js';
import { choosePython } from '../deps/python-version.js';
import { PipelineError } from '../errors.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import { run } from '../tools/exec.js';
import { need, type Done, type PhaseDefinition } from './phase.js';

/** The repo's environment and the python it needs. */
export interface ValidateResult {
  readonly env: EnvSpec;
  /** `major.minor`, e.g. `3.11`. */
  readonly python: string;
  readonly pythonFiles: number;
}

interface RepoCheck {
  python_files: number;
  syntax_errors: { file: string; line: number; message: string }[];
  model_manager: { found: boolean; missing_methods: string[] };
}

const CHECK_SCRIPT = join(TEMPLATES_DIR, 'checks', 'check_repo.py');
const CHECK_TIMEOUT_MS = 120_000;

export const validatePhase: PhaseDefinition<'validate'> = {
  name: 'validate',
  failureCode: 'INTERNAL',
  run: validate,
  describe: (result) => ({
    summary: `${result.env.file} read, python ${result.python}, ${result.pythonFiles} python files parse`,
    env_file: result.env.file,
    python_version: result.python,
    requirements: result.env.requirements.length,
  }),
};

async function validate(job: Job, done: Done): Promise<ValidateResult> {
  const { repoDir } = need(done, 'clone');
  if (!existsSync(join(repoDir, 'model_manager.py'))) {
    throw new PipelineError('MODEL_MANAGER_MISSING', 'validate', 'model_manager.py is missing at the root of the repo; FL needs it to define class ModelManager');
  }
  const envFile = findEnvFile(repoDir);
  if (envFile === undefined) {
    throw new PipelineError('ENV_FILE_MISSING', 'validate', `no environment file at the root of the repo; add one of ${ENV_FILES.join(', ')}`);
  }
  let env: EnvSpec;
  try {
    env = readEnvFile(repoDir, envFile);
  } catch (error) {
    if (!(error instanceof EnvFileError)) throw error;
    throw new PipelineError('ENV_FILE_UNREADABLE', 'validate', error.message, { cause: error });
  }
  const choice = choosePython(env.pythonConstraint);
  if ('problem' in choice) throw new PipelineError('PYTHON_UNSUPPORTED', 'validate', `${env.file}: ${choice.problem}`);

  const check = await checkCode(job, repoDir, choice.version);
  const [syntax] = check.syntax_errors;
  if (syntax) {
    const more = check.syntax_errors.length > 1 ? ` (and ${check.syntax_errors.length - 1} more files)` : '';
    throw new PipelineError('PYTHON_SYNTAX_ERROR', 'validate', `${syntax.file}, line ${syntax.line}: ${syntax.message} under python ${choice.version}${more}`);
  }
  if (!check.model_manager.found) {
    throw new PipelineError('MODEL_MANAGER_INVALID', 'validate', 'model_manager.py does not define class ModelManager');
  }
  if (check.model_manager.missing_methods.length > 0) {
    throw new PipelineError('MODEL_MANAGER_INVALID', 'validate', `ModelManager in model_manager.py lacks ${check.model_manager.missing_methods.join(', ')}`);
  }
  return { env, python: choice.version, pythonFiles: check.python_files };
}

/** Parses every .py file with the target python's grammar, without importing anything of the repo. */
async function checkCode(job: Job, repoDir: string, python: string): Promise<RepoCheck> {
  const minor = python.split('.')[1] ?? '11';
  const { stdout } = await run('python3', [CHECK_SCRIPT, repoDir, minor], {
    cwd: repoDir,
    env: job.config.toolEnv,
    timeoutMs: CHECK_TIMEOUT_MS,
    signal: job.signal,
  });
  return JSON.parse(stdout) as RepoCheck;
}
