// What happens to a pin without a wheel for a platform. In a file MLflow exported (a snapshot of the author's
// machine) the pin moves, for that platform only, to the nearest release that has one; in a file a person wrote
// the pin stays, and resolve refuses, naming the pin and the first release that would install.
//
// The nearest release, by this rule (docs/ml-repo.md#pins-without-a-wheel says why):
//   1. within the pinned major version, the first release after the pin that has a wheel (a later patch or minor
//      release keeps the API the code was written against, and usually fixes bugs);
//   2. else, within the pinned major version, the newest release before the pin that has one;
//   3. only when the pinned major version has no wheel at all for the platform: the first release after the pin,
//      in a later major version (there is no release of the recorded major to run, and the next one is the
//      smallest step); never an older major version.

import { compare } from '../deps/pep440.js';
import type { MissingWheel } from './wheel-check.js';

/** A pin moved for one platform. */
export interface PinMove {
  readonly missing: MissingWheel;
  readonly to: string;
  /** The move crosses a major version (rule 3). */
  readonly crossesMajor: boolean;
}

const major = (version: string): string => version.split('.')[0] ?? version;

/** The release a pin moves to, by the rule above, or undefined when no release qualifies. */
export function nearestWheel(pinned: string, wheelVersions: readonly string[]): string | undefined {
  const sameMajor = wheelVersions.filter((version) => major(version) === major(pinned));
  const after = (versions: readonly string[]) => versions.find((version) => compare(version, pinned) > 0);
  return (
    after(sameMajor) ??
    sameMajor.filter((version) => compare(version, pinned) < 0).at(-1) ??
    (sameMajor.length === 0 ? after(wheelVersions) : undefined)
  );
}

/** The first release after the pin that has a wheel (what a person may pin instead), if any. */
export function firstWheelAfter(missing: MissingWheel): string | undefined {
  return missing.wheelVersions.find((version) => compare(version, missing.version) > 0);
}

/** The moves for a snapshot's missing wheels; undefined when one of them has nowhere to go. */
export function movesFor(missing: readonly MissingWheel[]): PinMove[] | undefined {
  const moves: PinMove[] = [];
  for (const item of missing) {
    const to = nearestWheel(item.version, item.wheelVersions);
    if (to === undefined) return undefined;
    moves.push({ missing: item, to, crossesMajor: major(to) !== major(item.version) });
  }
  return moves;
}

/** The requirement lines with each moved pin's version replaced (its name, extras and marker kept). */
export function applyMoves(lines: readonly string[], moves: readonly PinMove[]): string[] {
  return lines.map((line) => {
    const move = moves.find((item) => item.missing.line === line);
    return move ? line.replace(/(===?)\s*[0-9][^\s,;]*/, `$1${move.to}`) : line;
  });
}

/** The lines with the moves undone, so that the next platform starts from the pins as written. */
export function undoMoves(lines: readonly string[], moves: readonly PinMove[]): string[] {
  const moved = new Map(
    applyMoves(
      moves.map((move) => move.missing.line),
      moves,
    ).map((line, index) => [line, index]),
  );
  return lines.map((line) => {
    const index = moved.get(line);
    return index === undefined ? line : (moves[index]?.missing.line ?? line);
  });
}

/** The report's line for a move: `linux/arm64: psutil==5.9.8 (conda.yaml:9) moved to 6.0.0, …`. */
export function describeMove(move: PinMove): string {
  const { missing } = move;
  const where = missing.where ? ` (${missing.where})` : '';
  const major = move.crossesMajor
    ? `, a new major version: no ${missing.version.split('.')[0]}.x release of ${missing.name} has one`
    : '';
  return `${missing.platform}: ${missing.name}==${missing.version}${where} moved to ${move.to} for this platform only: ${missing.version} has no wheel for ${missing.platform} and python ${missing.python}, and ${move.to} is the nearest release that has one${major}`;
}

/** The refusal's text for a pin a person wrote. */
export function describeMissing(missing: MissingWheel): string {
  const where = missing.where ? ` (pinned in ${missing.where})` : '';
  const first = firstWheelAfter(missing);
  const next = first
    ? `the first release of ${missing.name} after it that has one is ${first}`
    : `no release of ${missing.name} after it has one`;
  return `${missing.name} ${missing.version}${where} has no wheel for ${missing.platform} and python ${missing.python}; ${next}`;
}
