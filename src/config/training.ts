// The training plan's own arguments: the ML repo, the file its image runs on `train`, and the repo's limits.

import type { RepoUrl } from '../tables/repo-url.js';
import type { OptionText } from './checks.js';
import type { CommonConfig, CommonValues } from './common.js';
import { type RepoSource, readRepoSource } from './fl-actors.js';
import type { OptionValues } from './options.js';
import { collectSecrets } from './values.js';

/** The training plan: one SageMaker-style training image of an ML repo, with no FL components. */
export interface TrainingConfig extends CommonConfig, RepoSource {
  readonly plan: 'training';
  /** `--entry`: the repo's file that `IMAGE train` runs; undefined: validate looks for the default. */
  readonly entry: string | undefined;
}

// A relative path inside the repo to a python file: no "..", not absolute, no leading "-", no white space, no ":"
// (which the image reads as a pyproject script's `module:function`).
const ENTRY = /^(?!-)(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\s\\:]+\.py$/;

/** Why `--entry` cannot name a file of the repo, or undefined when it can. */
export function entryProblem(entry: string): string | undefined {
  return ENTRY.test(entry)
    ? undefined
    : 'name a .py file of the repo by its path from the repo root (e.g. train.py or src/train.py), without ".."';
}

/** Reads the rest of training; undefined when a problem leaves nothing to build. */
export function readTraining(
  repo: RepoUrl | undefined,
  common: CommonValues | undefined,
  values: OptionValues,
  text: OptionText,
  env: NodeJS.ProcessEnv,
  problems: string[],
): TrainingConfig | undefined {
  if (values['ml-model-flavor'] !== undefined)
    problems.push('--ml-model-flavor applies to fl_actors only, not to training');
  const entry = text('entry');
  const problem = entry === undefined ? undefined : entryProblem(entry);
  if (problem !== undefined) problems.push(`--entry "${entry}": ${problem}`);
  const source = readRepoSource(repo, values, text, env, problems);
  if (common === undefined || repo === undefined || problem !== undefined) return undefined;
  const { secretValues, secretUrls, ...rest } = common;
  return {
    ...rest,
    plan: 'training',
    repo,
    entry,
    ...source,
    secrets: collectSecrets([source.gitToken, ...secretValues], [repo.url, ...secretUrls]),
  };
}
