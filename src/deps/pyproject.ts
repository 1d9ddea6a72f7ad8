// pyproject.toml: PEP 621 `[project]` dependencies and requires-python, or Poetry's `[tool.poetry.dependencies]`.

import semver from 'semver';
import toml from 'toml';
import { EnvFileError, type EnvSpec, type Requirement } from './env-spec.js';

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
    // toml 3 put line and column on the error; toml 5 puts them under location.start.
    const { message, location } = error as {
      location?: { start?: { line?: number; column?: number } };
      message: string;
    };
    const { line, column } = { ...(error as { line?: number; column?: number }), ...location?.start };
    throw new EnvFileError(file, `is not valid TOML (line ${line ?? '?'}, column ${column ?? '?'}: ${message})`, {
      cause: error,
    });
  }
  const lines = text.split(/\r?\n/);
  const base = { file, format: 'pyproject' as const, constraints: [], pipOptions: [], conda: undefined };
  const poetry = document.tool?.poetry?.dependencies;
  // Poetry 2 projects have [project] too; where [project] lists no dependencies, Poetry's table is the one.
  if (document.project && (document.project.dependencies !== undefined || poetry === undefined)) {
    const dependencies = document.project.dependencies ?? [];
    if (!Array.isArray(dependencies) || dependencies.some((item) => typeof item !== 'string')) {
      throw new EnvFileError(file, '[project] dependencies must be a list of strings');
    }
    const section = sectionLine(lines, 'project');
    const requiresPython = document.project['requires-python'];
    return {
      ...base,
      pythonConstraint: typeof requiresPython === 'string' ? requiresPython : undefined,
      pythonSource:
        typeof requiresPython === 'string' ? { file, line: keyLine(lines, section, 'requires-python') } : undefined,
      requirements: (dependencies as string[]).map((requirement) => ({
        requirement,
        file,
        line: stringLine(lines, section, requirement),
      })),
    };
  }
  if (poetry) {
    const section = sectionLine(lines, 'tool.poetry.dependencies');
    const { python, ...packages } = poetry;
    return {
      ...base,
      pythonConstraint: typeof python === 'string' ? poetryToPep440(python) : undefined,
      pythonSource: typeof python === 'string' ? { file, line: keyLine(lines, section, 'python') } : undefined,
      requirements: Object.entries(packages).flatMap(([name, spec]) => {
        const requirement = poetryRequirement(file, name, spec);
        return requirement === undefined
          ? []
          : [{ requirement, file, line: keyLine(lines, section, name) } satisfies Requirement];
      }),
    };
  }
  throw new EnvFileError(file, 'has neither [project] dependencies nor [tool.poetry.dependencies]');
}

interface PoetrySpec {
  version?: unknown;
  extras?: unknown;
  markers?: unknown;
  python?: unknown;
  optional?: unknown;
  git?: unknown;
  rev?: unknown;
  tag?: unknown;
  branch?: unknown;
  url?: unknown;
  path?: unknown;
}

/** One Poetry dependency as a PEP 508 line; undefined for an optional one (installed only with an extra). */
function poetryRequirement(file: string, name: string, spec: unknown): string | undefined {
  if (typeof spec === 'string') return `${name}${poetryToPep440(spec)}`;
  if (Array.isArray(spec))
    throw new EnvFileError(
      file,
      `the Poetry dependency "${name}" has several constraints by platform; write one constraint`,
    );
  if (typeof spec !== 'object' || spec === null)
    throw new EnvFileError(file, `cannot read the Poetry dependency "${name}"`);
  const details = spec as PoetrySpec;
  if (details.optional === true) return undefined;
  const extras = Array.isArray(details.extras) && details.extras.length > 0 ? `[${details.extras.join(',')}]` : '';
  const markers = [
    typeof details.python === 'string' ? pythonMarker(details.python) : undefined,
    typeof details.markers === 'string' ? `(${details.markers})` : undefined,
  ].filter(Boolean);
  const marker = markers.length > 0 ? `; ${markers.join(' and ')}` : '';
  if (typeof details.git === 'string') {
    const ref = [details.rev, details.tag, details.branch].find((value) => typeof value === 'string');
    return `${name}${extras} @ git+${details.git}${ref ? `@${String(ref)}` : ''}${marker ? ` ${marker}` : ''}`;
  }
  if (typeof details.url === 'string') return `${name}${extras} @ ${details.url}${marker ? ` ${marker}` : ''}`;
  if (typeof details.path === 'string') return details.path;
  const version = typeof details.version === 'string' ? poetryToPep440(details.version) : '';
  return `${name}${extras}${version}${marker}`;
}

/** Poetry's `python = "<3.11"` on a dependency is the marker `python_version < "3.11"`. */
function pythonMarker(constraint: string): string {
  const clauses = poetryToPep440(constraint).split(',').filter(Boolean);
  return clauses
    .map((clause) => {
      const [, operator = '==', version = ''] = /^(===|==|!=|~=|>=|<=|>|<)?(.*)$/.exec(clause) ?? [];
      return `python_version ${operator} "${version.replace(/\.0$/, '')}"`;
    })
    .join(' and ');
}

/** Poetry's caret and tilde constraints mean what they mean in npm, so semver expands them. */
export function poetryToPep440(constraint: string): string {
  const trimmed = constraint.trim();
  if (trimmed === '*' || trimmed === '') return '';
  if (!/[\^~]/.test(trimmed) || /~=/.test(trimmed)) {
    // Poetry reads "=1.2.3" as exactly 1.2.3; pip needs "==".
    if (/^=[^=]/.test(trimmed)) return `=${trimmed}`;
    return trimmed.startsWith('==') || /^[<>!~]/.test(trimmed) ? trimmed.replace(/\s+/g, '') : `==${trimmed}`;
  }
  const range = semver.validRange(trimmed.replace(/,/g, ' '));
  if (!range) return trimmed;
  return range.replace(/-0\b/g, '').split(/\s+/).join(',');
}

// toml gives no positions: find lines by what they say, within the table they belong to.

function sectionLine(lines: readonly string[], table: string): number {
  const index = lines.findIndex((line) => line.trim() === `[${table}]`);
  return Math.max(index, 0);
}

function keyLine(lines: readonly string[], from: number, key: string): number {
  const pattern = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`);
  const index = lines.findIndex((line, at) => at >= from && pattern.test(line));
  return index < 0 ? from + 1 : index + 1;
}

function stringLine(lines: readonly string[], from: number, value: string): number {
  const index = lines.findIndex(
    (line, at) => at >= from && (line.includes(`"${value}"`) || line.includes(`'${value}'`)),
  );
  return index < 0 ? from + 1 : index + 1;
}
