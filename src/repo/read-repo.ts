// Reading an untrusted clone without running it: links, size and LFS pointers, the environment file, the python,
// and every .py file parsed with that python's grammar. Shared by the plans that build from a repo.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scanRepo } from '../context/scan-repo.js';
import { ENV_FILES, findEnvFile, readEnvFile } from '../deps/env-file.js';
import { EnvFileError, type EnvSpec } from '../deps/env-spec.js';
import { PhaseError } from '../errors.js';
import { choosePythonAndBase } from '../images/python-and-base.js';
import type { ImportSite } from '../imports/check-imports.js';
import { TEMPLATES_DIR } from '../paths.js';
import { run } from '../tools/exec.js';
import type { RepoJob } from './clone.js';

/** The repo's environment and the python it needs. */
export interface ValidateResult {
  readonly env: EnvSpec;
  /** `major.minor`, e.g. `3.11`. */
  readonly python: string;
  /** Why a newer python the constraint allows was passed over, if one was. */
  readonly pythonNote: string | undefined;
  /** --base-image, its template filled with the python; undefined: the default for the python. */
  readonly baseImage: string | undefined;
  readonly pythonFiles: number;
  /** Top-level modules (and `a.b` paths) the repo's code imports, read from its syntax tree. */
  readonly imports: readonly string[];
  /** Every absolute import's top-level module with its file and line, for the import check. */
  readonly importSites: readonly ImportSite[];
  /** The module names the repo's own files and folders give. */
  readonly ownModules: readonly string[];
}

/** What fl-templates/checks/check_repo.py prints. */
export interface RepoCheck {
  python_files: number;
  syntax_errors: { file: string; line: number; message: string }[];
  /** Methods count when ModelManager or a base class of the repo's own defines them, never the template's. */
  model_manager: { found: boolean; missing_methods: string[]; subclasses_template: boolean };
  /** The files that import each of the modules the builder cares about. */
  imports: { ml_repo_building_blocks: string[]; mlflow: string[] };
  /** Every module path the repo's code imports (`a`, `a.b`). */
  modules: string[];
  import_sites: ImportSite[];
  own_modules: string[];
  root_main_py: boolean;
}

const CHECK_SCRIPT = join(TEMPLATES_DIR, 'checks', 'check_repo.py');

/** The repo's environment, its python and what its code imports, with the parse's report for the plan's checks. */
export interface RepoReading extends ValidateResult {
  readonly check: RepoCheck;
}

/** Looks the clone over, reads its environment file and parses its code, never running any of it. */
export async function readRepoFiles(
  job: RepoJob,
  repoDir: string,
  beforeEnv: () => void = () => undefined,
): Promise<RepoReading> {
  // The clone is untrusted: look it over before reading any of its files.
  await checkRepoIsSafe(job, repoDir);
  beforeEnv();
  const envFile = findEnvFile(repoDir);
  if (envFile === undefined) {
    throw new PhaseError(
      'ENV_FILE_MISSING',
      `no environment file at the root of the repo; add one of ${ENV_FILES.join(', ')}`,
    );
  }
  let env: EnvSpec;
  try {
    env = readEnvFile(repoDir, envFile);
  } catch (error) {
    if (!(error instanceof EnvFileError)) throw error;
    throw new PhaseError('ENV_FILE_UNREADABLE', error.message, { cause: error });
  }
  const choice = await choosePythonAndBase(job, env);
  const check = await checkCode(job, repoDir, choice.python);
  const [syntax] = check.syntax_errors;
  if (syntax) {
    const more = check.syntax_errors.length > 1 ? ` (and ${check.syntax_errors.length - 1} more files)` : '';
    throw new PhaseError(
      'PYTHON_SYNTAX_ERROR',
      `${syntax.file}, line ${syntax.line}: ${syntax.message} under python ${choice.python}${more}`,
    );
  }
  return {
    env,
    python: choice.python,
    pythonNote: choice.note,
    baseImage: choice.baseImage,
    pythonFiles: check.python_files,
    imports: importedModules(check),
    importSites: check.import_sites,
    ownModules: check.own_modules,
    check,
  };
}

/** Whether the repo has a file at `path` (relative to its root). */
export function hasFile(repoDir: string, path: string): boolean {
  return existsSync(join(repoDir, path));
}

/** Refuses links out of the repo, a repo over the size limits, and Git LFS pointers where files should be. */
async function checkRepoIsSafe(job: RepoJob, repoDir: string): Promise<void> {
  const { maxRepoBytes, maxRepoFiles } = job.config;
  const scan = await scanRepo(repoDir, { maxBytes: maxRepoBytes, maxFiles: maxRepoFiles }, job.config.ignore);
  if (scan.escapingLinks.length > 0) {
    throw new PhaseError(
      'REPO_LINK_ESCAPES',
      `symbolic links that point outside the repo are refused: ${scan.escapingLinks.join(', ')}; make them point inside the repo or remove them`,
    );
  }
  if (scan.overLimit === 'files') {
    throw new PhaseError(
      'REPO_TOO_LARGE',
      `the repo has more than ${maxRepoFiles} files (without .git); remove what the images do not need, or raise --max-repo-files`,
    );
  }
  if (scan.overLimit === 'bytes') {
    throw new PhaseError(
      'REPO_TOO_LARGE',
      `the repo's files (without .git) take more than ${Math.round(maxRepoBytes / 1024 / 1024)} MB; remove what the images do not need, or raise --max-repo-mb`,
    );
  }
  if (scan.lfsPointers.length > 0) {
    throw new PhaseError(
      'REPO_LFS_POINTER',
      `these files are Git LFS pointers, not the files themselves: ${scan.lfsPointers.join(', ')}; the builder does not fetch LFS objects, so commit them without LFS or list them in .dockerignore`,
    );
  }
}

/** Parses every .py file with the target python's grammar, without importing anything of the repo. */
async function checkCode(job: RepoJob, repoDir: string, python: string): Promise<RepoCheck> {
  const minor = python.split('.')[1] ?? '11';
  const { stdout } = await run('python3', [CHECK_SCRIPT, repoDir, minor], {
    cwd: repoDir,
    env: job.toolEnv,
    signal: job.signal,
  });
  return JSON.parse(stdout) as RepoCheck;
}

/** The module paths the repo imports, as the dependency plan reads them. */
function importedModules(check: RepoCheck): string[] {
  return [...new Set(check.modules)];
}
