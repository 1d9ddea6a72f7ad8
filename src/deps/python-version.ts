// Which python minor an environment asks for, decided with semver rather than string tricks.

import semver from 'semver';

/** The python minors the builder makes images for by default, oldest first (`--python-versions` changes them). */
export const SUPPORTED_PYTHON_MINORS = ['3.9', '3.10', '3.11', '3.12'] as const;
/** Used when the environment file names no python (requirements.txt), if it is among the supported minors. */
export const DEFAULT_PYTHON = '3.11';

/**
 * A minor's newest patch release, as the python:X.Y-slim images ship it: `3.9` → `3.9.99`. Tools read `3.9` as 3.9.0,
 * and Requires-Python ">=3.9.2" would then rule out flwr 1.23, which the images get.
 */
export function newestPatch(python: string): string {
  return `${python}.99`;
}

/** The chosen minor, or why none fits. */
export type PythonChoice = { readonly version: string } | { readonly problem: string };

/**
 * Picks the newest supported minor inside a constraint: `3.10.14` → 3.10, `>=3.9,<3.12` → 3.11.
 * Accepts conda (`=3.10`), PEP 440 (`==3.10.*`, `~=3.10`, `>=3.9,<3.13`) and semver-like forms.
 * `fits` can pass over minors the repo's packages have no release for (tensorflow 2.12 on 3.12):
 * the newest minor that fits wins, and when none does, the newest allowed one (a later check says why).
 */
export function choosePython(
  constraint: string | undefined,
  supported: readonly string[] = SUPPORTED_PYTHON_MINORS,
  fits: (minor: string) => boolean = () => true,
): PythonChoice {
  const candidates = pythonCandidates(constraint, supported);
  if ('problem' in candidates) return candidates;
  const [first] = candidates.minors;
  if (first === undefined)
    return { problem: `python "${constraint}" allows none of the supported versions ${supported.join(', ')}` };
  return { version: candidates.minors.find(fits) ?? first };
}

/** The supported minors a constraint allows, most preferred first: newest first, or the default first when there is no constraint. */
export function pythonCandidates(
  constraint: string | undefined,
  supported: readonly string[],
): { readonly minors: readonly string[] } | { readonly problem: string } {
  const newestFirst = [...supported].sort(byMinor).reverse();
  if (constraint === undefined || constraint.trim() === '') {
    const preferred = supported.includes(DEFAULT_PYTHON) ? DEFAULT_PYTHON : newestFirst[0];
    return {
      minors: [
        ...newestFirst.filter((minor) => minor === preferred),
        ...newestFirst.filter((minor) => minor !== preferred),
      ],
    };
  }
  const range = toSemverRange(constraint);
  if (range === undefined) return { problem: `cannot read the python constraint "${constraint}"` };
  if (!semver.intersects(range, '>=3.0.0'))
    return {
      problem: `python "${constraint}" is Python 2, which Flower does not support; port the code to Python 3 and pin python 3.9 or newer`,
    };
  const excluded = excludedMinors(constraint);
  return { minors: newestFirst.filter((minor) => semver.intersects(range, `${minor}.x`) && !excluded.has(minor)) };
}

function byMinor(left: string, right: string): number {
  return Number(left.split('.')[1]) - Number(right.split('.')[1]);
}

/** Turns a python constraint into a semver range, or undefined when it cannot be read. */
function toSemverRange(constraint: string): string | undefined {
  const parts = constraint
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(==|===|=|~=|>=|<=|>|<|!=|\^|~)?\s*([0-9]+(?:\.[0-9*]+)*)$/.exec(part);
      if (!match) return undefined;
      const [, operator = '', version = ''] = match;
      // Exclusions cannot be said in semver; excludedMinors applies them.
      if (operator === '!=') return '*';
      if (operator === '~=') return compatibleRelease(version);
      const bare = operator === '' || operator === '=' || operator === '==' || operator === '===';
      // A bare or "==" version with fewer than three parts, or with "*", is a prefix: 3.10 means any 3.10.x.
      if (bare)
        return version.includes('*') || version.split('.').length < 3 ? `${version.replace(/\.\*$/, '')}.x` : version;
      return `${operator}${semver.coerce(version)?.version ?? version}`;
    });
  if (parts.some((part) => part === undefined)) return undefined;
  const range = parts.join(' ');
  return semver.validRange(range) ?? undefined;
}

/** Minors a constraint rules out whole: `!=3.12` and `!=3.12.*` (a `!=3.12.1` leaves the rest of 3.12). */
function excludedMinors(constraint: string): Set<string> {
  const minors = [...constraint.matchAll(/!=\s*(\d+\.\d+)(\.\*)?\s*(?:,|$)/g)].map((match) => match[1] ?? '');
  return new Set(minors);
}

/** PEP 440 `~=3.10` means >=3.10,<4; `~=3.10.2` means >=3.10.2,<3.11. */
function compatibleRelease(version: string): string {
  const numbers = version.split('.').map(Number);
  const prefix = numbers.slice(0, -1);
  const upper = [...prefix.slice(0, -1), (prefix.at(-1) ?? 0) + 1];
  return `>=${semver.coerce(version)?.version} <${semver.coerce(upper.join('.'))?.version}`;
}

/** `--python-versions 3.10,3.11` → the minors, oldest first; or what is wrong with the text. */
export function parsePythonMinors(text: string, hasFlower: (minor: string) => boolean): readonly string[] | string {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = items.filter((item) => !/^3\.\d{1,2}$/.test(item));
  if (items.length === 0 || bad.length > 0)
    return `expected python minors such as 3.10,3.11 (comma-separated)${bad.length > 0 ? `; cannot read ${bad.map((item) => `"${item}"`).join(', ')}` : ''}`;
  const unsupported = items.filter((minor) => !hasFlower(minor));
  if (unsupported.length > 0) return `no Flower release the builder knows supports python ${unsupported.join(', ')}`;
  return [...new Set(items)].sort(byMinor);
}
