// PEP 440 version specifiers: satisfaction (from @renovatebot/pep440) and whether two specifiers leave any version in common.

import pep440 from '@renovatebot/pep440';

/** A specifier as pip reads it: `>=1.26,<2`, `==2.1.*`, or '' for any version. */
export type Specifier = string;

/** Whether the specifier is one pip would accept ('' is: it means any version). */
export function isValidSpecifier(specifier: Specifier): boolean {
  return specifier.trim() === '' || pep440.validRange(normalise(specifier));
}

/** Whether `version` satisfies every clause of `specifier` ('' allows everything). */
export function satisfies(version: string, specifier: Specifier): boolean {
  const spec = normalise(specifier);
  return spec === '' || pep440.satisfies(version, spec);
}

/** Joins specifiers that must all hold: `and('>=1', '<2')` → `>=1,<2`. */
export function and(...specifiers: readonly Specifier[]): Specifier {
  return specifiers.map(normalise).filter(Boolean).join(',');
}

/**
 * Whether some release version satisfies every specifier given.
 *
 * A conjunction of PEP 440 clauses allows a union of intervals bounded by the versions the clauses
 * name, so it is enough to try those versions and points just above and below each of them
 * (`1.26` → `1.26`, `1.26.0.1`, `1.27`, `1.25.9999`). Pre-releases are left out, as pip leaves them out.
 */
export function intersects(...specifiers: readonly Specifier[]): boolean {
  const spec = and(...specifiers);
  if (spec === '') return true;
  return candidatePoints(spec).some((point) => pep440.satisfies(point, spec));
}

/** The lowest version a specifier's lower bounds allow (`>=4.21.6,<5` → `4.21.6`), if it has one. */
export function lowerBound(specifier: Specifier): string | undefined {
  const bounds = clauses(specifier)
    .filter(
      ({ operator }) =>
        operator === '>=' || operator === '>' || operator === '==' || operator === '~=' || operator === '===',
    )
    .map(({ version }) => version.replace(/\.\*$/, ''));
  return bounds.sort(compare).at(-1);
}

/** PEP 440 ordering of two versions. */
export function compare(left: string, right: string): number {
  return pep440.compare(left, right);
}

/** `>=1.2, <2` and `(>=1.2,<2)` (as METADATA writes them) → `>=1.2,<2`. */
function normalise(specifier: Specifier): Specifier {
  return specifier.replace(/[()\s]/g, '');
}

function clauses(specifier: Specifier): { operator: string; version: string }[] {
  return normalise(specifier)
    .split(',')
    .filter(Boolean)
    .map((clause) => {
      const match = /^(===|==|!=|~=|>=|<=|>|<)(.+)$/.exec(clause);
      return { operator: match?.[1] ?? '', version: match?.[2] ?? clause };
    });
}

function candidatePoints(specifier: Specifier): string[] {
  const points = new Set<string>(['0', '99999']);
  for (const { version } of clauses(specifier)) {
    const base = version
      .replace(/\.\*$/, '')
      .replace(/(dev|a|b|rc|post)\d*$/i, '')
      .replace(/[.+-]+$/, '');
    const release =
      base
        .split('+')[0]
        ?.split('.')
        .map((part) => Number.parseInt(part, 10)) ?? [];
    if (release.length === 0 || release.some(Number.isNaN)) continue;
    const last = release.length - 1;
    points.add(release.join('.'));
    points.add([...release, 0, 1].join('.'));
    points.add([...release.slice(0, last), (release[last] ?? 0) + 1].join('.'));
    if ((release[last] ?? 0) > 0) points.add([...release.slice(0, last), (release[last] ?? 0) - 1, 9999].join('.'));
    if (release.length > 1) points.add([...release.slice(0, last - 1), (release[last - 1] ?? 0) + 1].join('.'));
  }
  return [...points];
}
