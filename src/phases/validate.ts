// Phase 2: the repo has what FL needs: a ModelManager with the right methods, code that parses, a readable environment.

import type { FlActorsConfig } from '../config/config.js';
import { PhaseError } from '../errors.js';
import type { FlActorsJob } from '../job.js';
import { hasFile, readRepoFiles, type ValidateResult } from '../repo/read-repo.js';
import type { PhaseBehaviour } from './phase.js';

export type { ValidateResult } from '../repo/read-repo.js';

export const validatePhase: PhaseBehaviour<ValidateResult, FlActorsConfig> = {
  failureCode: 'INTERNAL',
  describe: (result) => ({
    summary: `${result.env.file} read, python ${result.python}${result.pythonNote ? ` (${result.pythonNote})` : ''}, ${result.pythonFiles} python files parse`,
    env_file: result.env.file,
    python_version: result.python,
    requirements: result.env.requirements.length,
  }),
};

/** Looks the clone over and reads its environment file, never running any of its code; then checks ModelManager. */
export async function validate(job: FlActorsJob, repoDir: string): Promise<ValidateResult> {
  const { check, ...reading } = await readRepoFiles(job, repoDir, () => {
    if (!hasFile(repoDir, 'model_manager.py')) {
      throw new PhaseError(
        'MODEL_MANAGER_MISSING',
        'model_manager.py is missing at the root of the repo; FL needs it to define class ModelManager',
      );
    }
  });
  if (!check.model_manager.found) {
    throw new PhaseError('MODEL_MANAGER_INVALID', 'model_manager.py does not define class ModelManager');
  }
  if (check.model_manager.missing_methods.length > 0) {
    throw new PhaseError(
      'MODEL_MANAGER_INVALID',
      `ModelManager in model_manager.py lacks ${check.model_manager.missing_methods.join(', ')}`,
    );
  }
  return reading;
}
