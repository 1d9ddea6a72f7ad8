// Environment files MLflow wrote: snapshots of what the author's machine had when a model was logged, not what the
// code needs. resolve may move such a pin, for one platform, to a release that has a wheel there (docs/ml-repo.md).

import type { EnvSpec } from './env-spec.js';
import { parseRequirement } from './pep508-requirement.js';

/**
 * How the file shows it is MLflow's (for the report), or undefined for a file a person wrote. MLflow's pin of itself
 * is the mark: its conda.yaml is `name: mlflow-env` with `mlflow==X` first among the pip packages, and a logged
 * model's python_env.yaml names a requirements.txt that starts with `mlflow==X`.
 */
export function mlflowExport(env: EnvSpec): string | undefined {
  const pin = env.requirements.find((item) => {
    const parsed = parseRequirement(item.requirement);
    return (parsed?.name === 'mlflow' || parsed?.name === 'mlflow-skinny') && /^==[0-9]/.test(parsed.specifier);
  });
  if (pin === undefined) return undefined;
  if (env.format === 'conda' && env.conda?.name === 'mlflow-env')
    return `${env.file} is the environment MLflow exported (name: mlflow-env, ${pin.requirement.trim()})`;
  if (env.format === 'python-env' && pin.file !== env.file)
    return `${env.file} and ${pin.file} are the environment MLflow logged with a model (${pin.requirement.trim()})`;
  return undefined;
}
