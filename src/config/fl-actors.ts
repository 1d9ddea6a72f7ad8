// The fl_actors plan's own arguments: the ML repo, its model flavor, the ref to build and the repo's size limits.

import { parseRepoUrl, type RepoUrl } from '../tables/repo-url.js';
import type { ArgumentForm } from './argument-forms.js';
import { isProblem, type OptionText, SAFE_VALUE } from './checks.js';
import type { CommonConfig, CommonValues } from './common.js';
import { DEFAULT_MAX_REPO_FILES, DEFAULT_MAX_REPO_MB } from './defaults.js';
import type { OptionValues } from './options.js';
import { collectSecrets, type MlModelFlavor, nonEmpty, parseFlavor, positiveInteger } from './values.js';

/** Where a plan that builds from a git repo takes it: the repo, the ref, the token and the repo's size limits. */
export interface RepoSource {
  readonly repo: RepoUrl;
  readonly ref: string | undefined;
  readonly gitToken: string | undefined;
  /** Fetch the repo's submodules (off unless `--submodules`). */
  readonly submodules: boolean;
  /** The repo's working tree (without `.git`) may hold at most this many bytes and files. */
  readonly maxRepoBytes: number;
  readonly maxRepoFiles: number;
  /** `--ignore PATTERN`: .dockerignore lines applied after the repo's own. */
  readonly ignore: readonly string[];
}

/** The fl_actors plan: the learner and aggregator images of an ML repo. */
export interface FlActorsConfig extends CommonConfig, RepoSource {
  readonly plan: 'fl_actors';
  /** The model's MLflow flavor; undefined in the first form when --ml-model-flavor is not given. */
  readonly flavor: MlModelFlavor | undefined;
}

/** Reads repo_url; pushes its problem (kept apart so the first form can report it first, as the command line reads). */
export function readRepo(text: string, values: OptionValues, problems: string[]): RepoUrl | undefined {
  const repo = parseRepoUrl(text, values['allow-file-url'] === true);
  if (typeof repo !== 'string') return repo;
  problems.push(`repo_url "${text}": ${repo}`);
  return undefined;
}

/** The `--ignore` patterns; a line .dockerignore would read otherwise (several lines, a comment) is refused. */
function ignorePatterns(given: OptionValues['ignore'], problems: string[]): readonly string[] {
  const patterns = Array.isArray(given) ? (given as readonly string[]) : [];
  for (const pattern of patterns) {
    if (pattern.trim() === '' || /[\r\n]/.test(pattern) || pattern.startsWith('#')) {
      problems.push(`--ignore "${pattern}": expected one .dockerignore pattern, such as data/ or **/*.ckpt`);
    }
  }
  return patterns;
}

/** Reads the rest of fl_actors; undefined when a problem leaves nothing to build. */
export function readFlActors(
  form: Extract<ArgumentForm, { plan: 'fl_actors' }>,
  repo: RepoUrl | undefined,
  common: CommonValues | undefined,
  values: OptionValues,
  text: OptionText,
  env: NodeJS.ProcessEnv,
  problems: string[],
): FlActorsConfig | undefined {
  const flavorText = form.form === 'manager' ? form.flavor : text('ml-model-flavor');
  const flavor = flavorText === undefined ? undefined : parseFlavor(flavorText);
  if (isProblem(flavor)) {
    problems.push(
      `${form.form === 'manager' ? 'ml_model_flavor' : '--ml-model-flavor'} "${flavorText}": ${flavor.problem}`,
    );
  }
  const source = readRepoSource(repo, values, text, env, problems);
  if (common === undefined || repo === undefined || isProblem(flavor)) return undefined;
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'fl_actors',
    repo,
    flavor,
    ...source,
    secrets: collectSecrets([source.gitToken, ...secretValues], [repo.url, ...secretUrls]),
  };
}

/** Reads the ref, the submodules flag, the size limits and GIT_TOKEN: what every plan that clones a repo reads. */
export function readRepoSource(
  repo: RepoUrl | undefined,
  values: OptionValues,
  text: OptionText,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Omit<RepoSource, 'repo'> {
  const ref = text('ref');
  if (ref !== undefined && !SAFE_VALUE.test(ref))
    problems.push(`--ref "${ref}": must not start with "-" or contain white space`);
  // A folder or an archive is one tree of files: no refs to choose, no submodules to fetch.
  if (repo !== undefined && repo.kind !== 'git') {
    const other = repo.kind === 'archive' ? 'an archive' : 'a folder';
    if (ref !== undefined) problems.push(`--ref "${ref}": applies to git repos only, not to ${other}`);
    if (values.submodules === true) problems.push(`--submodules applies to git repos only, not to ${other}`);
  }
  const maxRepoMb = positiveInteger(
    '--max-repo-mb',
    text('max-repo-mb') ?? nonEmpty(env.FLOPS_MAX_REPO_MB),
    DEFAULT_MAX_REPO_MB,
    problems,
  );
  const maxRepoFiles = positiveInteger(
    '--max-repo-files',
    text('max-repo-files') ?? nonEmpty(env.FLOPS_MAX_REPO_FILES),
    DEFAULT_MAX_REPO_FILES,
    problems,
  );
  return {
    ref,
    gitToken: nonEmpty(env.GIT_TOKEN),
    submodules: values.submodules === true,
    maxRepoBytes: maxRepoMb * 1024 * 1024,
    maxRepoFiles,
    ignore: ignorePatterns(values.ignore, problems),
  };
}
