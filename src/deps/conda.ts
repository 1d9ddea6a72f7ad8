// conda.yaml / environment.yml as tracking exports write them: python pinned, the rest under `pip:`.

import { parse } from 'yaml';
import { EnvFileError, type EnvSpec } from './env-spec.js';

interface CondaFile {
  name?: unknown;
  dependencies?: unknown;
}

/** Reads a conda environment file into the common model. */
export function readCondaEnv(file: string, text: string): EnvSpec {
  let document: CondaFile;
  try {
    document = (parse(text) ?? {}) as CondaFile;
  } catch (error) {
    throw new EnvFileError(file, `is not valid YAML (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new EnvFileError(file, 'must be a YAML mapping with a "dependencies" list');
  }
  const dependencies = document.dependencies ?? [];
  if (!Array.isArray(dependencies)) throw new EnvFileError(file, '"dependencies" must be a list');

  let pythonConstraint: string | undefined;
  const requirements: string[] = [];
  const converted: string[] = [];
  for (const entry of dependencies) {
    if (typeof entry === 'string') {
      const { name, constraint } = splitCondaSpec(entry);
      if (name === 'python') pythonConstraint = constraint ?? pythonConstraint;
      else if (name !== 'pip') {
        const requirement = condaToPip(name, constraint);
        requirements.push(requirement);
        converted.push(entry);
      }
    } else if (isPipSection(entry)) {
      for (const requirement of entry.pip) {
        if (typeof requirement !== 'string') throw new EnvFileError(file, 'every entry under "pip:" must be a string');
        requirements.push(requirement.trim());
      }
    } else {
      throw new EnvFileError(file, `cannot read the dependency ${JSON.stringify(entry)}`);
    }
  }
  return {
    file,
    format: 'conda',
    pythonConstraint,
    requirements,
    condaName: typeof document.name === 'string' ? document.name : undefined,
    convertedCondaPackages: converted,
  };
}

function isPipSection(entry: unknown): entry is { pip: unknown[] } {
  return typeof entry === 'object' && entry !== null && Array.isArray((entry as { pip?: unknown }).pip);
}

/** `numpy=1.26.4` → name numpy, constraint `1.26.4`; `pip<=23.2` → name pip, constraint `<=23.2`. */
function splitCondaSpec(spec: string): { name: string; constraint: string | undefined } {
  const withoutChannel = spec.includes('::') ? spec.slice(spec.indexOf('::') + 2) : spec;
  const match = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(withoutChannel.trim());
  const name = (match?.[1] ?? withoutChannel).toLowerCase();
  // conda also writes "numpy 1.26.4 py311h…" (name, version, build, separated by spaces).
  const spaced = /^([0-9][^\s]*)(?:\s+\S+)?$/.exec((match?.[2] ?? '').trim());
  const rest = spaced ? `=${spaced[1]}` : (match?.[2] ?? '').replace(/\s+/g, '');
  // conda's "name=1.2=build" form: the build string is not a version constraint.
  const constraint = rest.replace(/^=([^=<>!~]+)=.*$/, '=$1');
  return { name, constraint: constraint === '' ? undefined : constraint };
}

/** conda's `=1.26` means 1.26.*, `=1.26.4` an exact release; other operators mean the same in pip. */
function condaToPip(name: string, constraint: string | undefined): string {
  if (!constraint) return name;
  const exact = /^=([^=<>!~,]+)$/.exec(constraint);
  if (!exact) return `${name}${constraint}`;
  const version = exact[1] ?? '';
  return version.split('.').length >= 3 || version.includes('*') ? `${name}==${version}` : `${name}==${version}.*`;
}
