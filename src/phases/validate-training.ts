// training phase 2: the repo's code parses and its environment reads, as for FL, and it has an entry to train with.
// Not checked, as only FL needs them: ModelManager (and model_manager.py), flops_utils, Flower's pins (see patch).

import type { TrainingConfig } from '../config/config.js';
import type { Job } from '../job.js';
import { readRepoFiles, type ValidateResult } from '../repo/read-repo.js';
import { findTrainingEntry, type TrainingEntry } from '../repo/training-entry.js';
import type { PhaseBehaviour } from './phase.js';

/** The repo's environment and python, and the entry `IMAGE train` runs. */
export interface TrainingValidateResult extends ValidateResult {
  readonly entry: TrainingEntry;
}

export const validateTrainingPhase: PhaseBehaviour<TrainingValidateResult, TrainingConfig> = {
  failureCode: 'INTERNAL',
  describe: (result) => ({
    summary: `${result.env.file} read, python ${result.python}${result.pythonNote ? ` (${result.pythonNote})` : ''}, ${result.pythonFiles} python files parse, entry ${result.entry.value} (${result.entry.source})`,
    env_file: result.env.file,
    python_version: result.python,
    requirements: result.env.requirements.length,
    entry: result.entry.value,
  }),
};

/** Looks the clone over, reads its environment and parses its code (never running any of it), finds the entry. */
export async function validateTraining(job: Job<TrainingConfig>, repoDir: string): Promise<TrainingValidateResult> {
  let entry: TrainingEntry | undefined;
  const { check: _check, ...reading } = await readRepoFiles(job, repoDir, () => {
    // After the safety scan (no link leads out of the clone), before the environment file: the entry is the
    // plan's own requirement, as model_manager.py is fl_actors'.
    entry = findTrainingEntry(repoDir, job.config.entry);
  });
  if (entry === undefined) throw new Error('internal: the entry was not looked for');
  return { ...reading, entry };
}
