// The python an environment gets: the newest supported minor it allows that its pinned frameworks have releases for.

import type { EnvSpec } from './env-spec.js';
import { frameworksFit, markerMachine } from './known-packages.js';
import { choosePython, pythonCandidates } from './python-version.js';

/** The chosen minor and, when a newer allowed minor was passed over, why; or why none fits. */
export type PythonDecision =
  | { readonly version: string; readonly note: string | undefined }
  | { readonly problem: string };

/** Decides the python minor for an environment on an architecture (OCI name), among the supported minors. */
export function decidePython(env: EnvSpec, supported: readonly string[], architecture: string): PythonDecision {
  const machine = markerMachine(architecture);
  const choice = choosePython(env.pythonConstraint, supported, (minor) =>
    frameworksFit(env.requirements, minor, machine),
  );
  if ('problem' in choice) return { problem: `${env.file}: ${choice.problem}` };
  const candidates = pythonCandidates(env.pythonConstraint, supported);
  const preferred = 'minors' in candidates ? candidates.minors[0] : undefined;
  if (preferred === undefined || preferred === choice.version) return { version: choice.version, note: undefined };
  const blocker = env.requirements.find((requirement) => !frameworksFit([requirement], preferred, machine));
  const what = blocker ? `${blocker.requirement} (${blocker.file}:${blocker.line})` : 'a pinned framework';
  return { version: choice.version, note: `not ${preferred}: ${what} has no release for it` };
}
