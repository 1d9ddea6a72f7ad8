// The installer: pip on a slim python image unless conda-only packages need conda; and the conda path's environment.

import { splitCondaSpec } from '../conda.js';
import type { CondaPackage, EnvSpec } from '../env-spec.js';
import type { PlanState } from './state.js';
import { where } from './state.js';
import { CPU_REASON } from './torch-steps.js';
import type { CondaEnvironmentFile } from './types.js';

/** The conda environment's name in every image, whatever the export called it. */
export const CONDA_ENV_NAME = 'flops';

/** The conda packages that only conda installs: the conda path's reason, known as soon as the environment is read. */
export function condaOnly(env: EnvSpec, torchCuda: boolean): CondaPackage[] {
  return (env.conda?.packages ?? []).filter(
    (item) => item.kind === 'conda-only' || (item.kind === 'cuda' && torchCuda),
  );
}

/** pip unless conda-only packages need conda; CUDA packages go unless --torch-cuda. */
export function chooseInstaller(state: PlanState): void {
  const { env, options, items, patches } = state;
  const packages = env.conda?.packages ?? [];
  const cuda = packages.filter((item) => item.kind === 'cuda');
  if (cuda.length > 0 && !options.torchCuda) {
    const listedCuda = cuda.map((item) => `${item.spec} (${where(item)})`).join(', ');
    patches.push(`removed the CUDA packages ${listedCuda}: ${CPU_REASON}`);
  }
  const needConda = condaOnly(env, options.torchCuda);
  const provided = packages.filter((item) => item.kind === 'provided');
  state.installer = needConda.length > 0 ? 'conda' : 'pip';
  if (provided.length > 0) {
    const names = provided.map((item) => item.name);
    const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
    patches.push(
      state.installer === 'conda'
        ? `left ${shown} to conda's solver: they are python's own runtime and native libraries, and their pinned builds belong to the machine that exported them`
        : `left out ${shown}: they are python's own runtime and native libraries, which the python base image and the pip wheels bring themselves`,
    );
  }
  const converted = items.filter((item) => item.source.fromConda !== undefined && !item.removed);
  if (state.installer === 'conda') {
    const needing = needConda.map((item) => `${item.spec} (${where(item)})`).join(', ');
    patches.push(
      `installed the conda packages with conda env update on ${options.condaBaseImage}: ${needing} ${needConda.length === 1 ? 'needs' : 'need'} conda's own binaries`,
    );
    const built = [
      ...needConda.map((item) => item.spec),
      ...converted.map((item) => item.source.fromConda ?? ''),
    ].filter(hasBuildString);
    if (built.length > 0) {
      patches.push(
        `dropped the build strings of ${built.join(', ')}: a build string names a build for the platform that exported it`,
      );
    }
    const name = env.conda?.name;
    if (name !== undefined && name !== CONDA_ENV_NAME) {
      patches.push(`renamed the conda environment "${name}" to "${CONDA_ENV_NAME}"`);
    }
  } else if (converted.length > 0) {
    const written = converted.map((item) => {
      const condaName = splitCondaSpec(item.source.fromConda ?? '').name;
      return condaName === item.parsed.name
        ? `${item.source.fromConda}`
        : `${item.source.fromConda} (as ${item.parsed.name})`;
    });
    patches.push(
      `installed the conda packages ${written.join(', ')} with pip: none of them needs conda, and a slim python image with pip is smaller and faster`,
    );
  }
}

/** The conda path's environment.yaml: conda-only packages and the converted ones, in the repo's order. */
export function condaEnvironment(state: PlanState): CondaEnvironmentFile {
  const { env, items, options } = state;
  const packages = (env.conda?.packages ?? [])
    .filter((item) => item.kind === 'conda-only' || (item.kind === 'cuda' && options.torchCuda))
    .map((item) => ({ line: item.line, spec: withoutBuild(item.spec) }));
  const converted = items
    .filter((item) => !item.removed && !item.constraint && item.source.fromConda !== undefined)
    .map((item) => {
      const written = item.source.fromConda ?? '';
      // A raised pin is a PEP 440 specifier, which conda's match specs read the same way.
      const spec = item.raised ? `${splitCondaSpec(written).name}${item.parsed.specifier}` : withoutBuild(written);
      return { line: item.source.line, spec };
    });
  const dependencies = [...packages, ...converted]
    .sort((left, right) => left.line - right.line)
    .map((entry) => entry.spec);
  return {
    name: CONDA_ENV_NAME,
    channels: env.conda && env.conda.channels.length > 0 ? env.conda.channels : ['conda-forge'],
    dependencies: [`python=${options.python}`, 'pip', ...dependencies],
  };
}

/** Whether a conda spec names a build (`=py311h64a7726_0`, or a third word). */
function hasBuildString(spec: string): boolean {
  return /^[^=\s]+=[^=]+=.+$/.test(spec.trim()) || /^\S+\s+\S+\s+\S+$/.test(spec.trim());
}

/** `mkl=2023.1.0=h213fc3f_46344` → `mkl=2023.1.0`: a build string names a build for one platform. */
function withoutBuild(spec: string): string {
  const { name, constraint } = splitCondaSpec(spec);
  return `${name}${constraint ?? ''}`;
}
