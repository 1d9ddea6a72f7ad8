// pyproject.toml: PEP 621 `[project]` dependencies, or Poetry's `[tool.poetry.dependencies]`.

import semver from 'semver';
import toml from 'toml';
import { EnvFileError, type EnvSpec } from './env-spec.js';

interface PyProject {
  project?: { dependencies?: unknown; 'requires-python'?: unknown };
  tool?: { poetry?: { dependencies?: Record<string, unknown> } };
}

/** Reads pyproject.toml into the common model. */
export function readPyProject(file: string, text: string): EnvSpec {
  let document: PyProject;
  try {
    document = toml.parse(text) as PyProject;
  } catch (error) {
    const { line, column, message } = error as { line?: number; column?: number; message: string };
    throw new EnvFileError(file, `is not valid TOML (line ${line ?? '?'}, column ${column ?? '?'}: ${message})`, { cause: error });
  }
  const base = { file, format: 'pyproject' as const, condaName: undefined, convertedCondaPackages: [] };
  if (document.project) {
    const dependencies = document.project.dependencies ?? [];
    if (!Array.isArray(dependencies) || dependencies.some((item) => typeof item !== 'string')) {
      throw new EnvFileError(file, '[project] dependencies must be a list of strings');
    }
    const requiresPython = document.project['requires-python'];
    return { ...base, pythonConstraint: typeof requiresPython === 'string' ? requiresPython : undefined, requirements: dependencies };
  }
  const poetry = document.tool?.poetry?.dependencies;
  if (poetry) {
    const { python, ...packages } = poetry;
    return {
      ...base,
      pythonConstraint: typeof python === 'string' ? poetryToPep440(python) : undefined,
      requirements: Object.entries(packages).map(([name, spec]) => poetryRequirement(file, name, spec)),
    };
  }
  throw new EnvFileError(file, 'has neither [project] dependencies nor [tool.poetry.dependencies]');
}

function poetryRequirement(file: string, name: string, spec: unknown): string {
  if (typeof spec === 'string') return `${name}${poetryToPep440(spec)}`;
  if (typeof spec === 'object' && spec !== null && typeof (spec as { version?: unknown }).version === 'string') {
    const { version, extras } = spec as { version: string; extras?: unknown };
    const extrasText = Array.isArray(extras) && extras.length > 0 ? `[${extras.join(',')}]` : '';
    return `${name}${extrasText}${poetryToPep440(version)}`;
  }
  throw new EnvFileError(file, `cannot read the Poetry dependency "${name}"`);
}

/** Poetry's caret and tilde constraints mean what they mean in npm, so semver expands them. */
export function poetryToPep440(constraint: string): string {
  const trimmed = constraint.trim();
  if (trimmed === '*' || trimmed === '') return '';
  if (!/[\^~]/.test(trimmed) || /~=/.test(trimmed)) {
    // Poetry reads "=1.2.3" as exactly 1.2.3; pip needs "==".
    if (/^=[^=]/.test(trimmed)) return `=${trimmed}`;
    return trimmed.startsWith('==') || /^[<>!~]/.test(trimmed) ? trimmed : `==${trimmed}`;
  }
  const range = semver.validRange(trimmed.replace(/,/g, ' '));
  if (!range) return trimmed;
  return range.replace(/-0\b/g, '').split(/\s+/).join(',');
}
