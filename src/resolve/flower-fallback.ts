// The Flower release is chosen before resolve from the pins it knows to clash (numpy, protobuf, grpcio). Others clash
// too: every Flower release since 1.20 needs pyyaml>=6.0.2, and the conda.yaml MLflow writes for a model pins
// pyyaml 6.0.1 (upstream's sklearn example has exactly that). When the lock fails over Flower, two ways out are
// tried, the pins as written first, as the Flower choice does:
//   1. an older Flower release for the same python that accepts the repo's pins as written;
//   2. raising an exact pin Flower names to the lowest release Flower accepts, within the pin's major version
//      (a patch or minor raise of pyyaml or requests; never a major one, which could change what the code calls).

import { FLWR_RELEASES } from '../deps/flwr-release-table.js';
import { lockedVersion } from '../deps/lock.js';
import { compare, lowerBound, satisfies } from '../deps/pep440.js';
import { newestPatch } from '../deps/python-version.js';
import { normaliseName, requirementName } from '../deps/requirement-name.js';
import { isUnsatisfiable, type LockAttempt, type LockRequest, lockTarget, type UvSetup } from './uv-lock.js';

/** How many older releases uv may choose from (in one resolution). */
export const OLDER_FLOWER_TRIES = 6;
/** How many pins may be raised, one clash after another. */
export const MAX_RAISED_PINS = 5;

/** A lock that holds once Flower or the repo's pins gave way, and the note that says what changed and why. */
export interface FlowerFallback {
  readonly request: LockRequest;
  readonly attempt: Extract<LockAttempt, { ok: true }>;
  readonly note: string;
}

/** A requirement Flower needs that a pin of the repo rules out, read from uv's explanation. */
export interface FlowerClash {
  readonly flwr: string;
  readonly name: string;
  /** What Flower needs, e.g. `>=6.0.2,<7.0.0`. */
  readonly needs: string;
}

/** The request's `flwr==X` pin, if it has one. */
export function pinnedFlower(request: LockRequest): string | undefined {
  const line = request.requirements.find((requirement) => requirementName(requirement) === 'flwr');
  return /==\s*([0-9][^\s;,]*)/.exec(line ?? '')?.[1];
}

/** The releases older than `current` that support `python`, newest first, at most OLDER_FLOWER_TRIES. */
export function olderFlowerReleases(current: string, python: string): string[] {
  return FLWR_RELEASES.filter(
    (release) => compare(release.version, current) < 0 && satisfies(newestPatch(python), release.python),
  )
    .map((release) => release.version)
    .slice(0, OLDER_FLOWER_TRIES);
}

/** `flwr>=1.42.0 depends on pyyaml>=6.0.2,<7.0.0` in uv's explanation (of the request pinning flwr `flwr`). */
export function flowerClash(failure: string, flwr: string): FlowerClash | undefined {
  const found = /\bflwr[<>=!~,.0-9]* depends on ([A-Za-z0-9][A-Za-z0-9._-]*)((?:[<>=!~]=?[^\s,]+,?)+)/.exec(failure);
  if (!found) return undefined;
  const [, name = '', needs = ''] = found;
  return { flwr, name: normaliseName(name), needs: needs.replace(/,$/, '') };
}

/**
 * `line` (an exact pin of the clash's package) raised to what Flower needs, kept below the pin's next major
 * version; undefined when that is not possible.
 */
export function raisedPin(line: string, clash: FlowerClash): string | undefined {
  const [requirement = '', marker] = line.split(';');
  const pinned = /^\s*[A-Za-z0-9._-]+(?:\[[^\]]*\])?\s*==\s*([0-9][^\s,]*)\s*$/.exec(requirement)?.[1];
  const lowest = lowerBound(clash.needs);
  if (pinned === undefined || lowest === undefined || compare(lowest, pinned) <= 0) return undefined;
  const major = Number(pinned.split('.')[0]);
  if (Number(lowest.split('.')[0]) !== major) return undefined;
  const name = requirement.trim().split(/[=<>!~[\s]/)[0];
  return `${name}>=${lowest},<${major + 1}${marker === undefined ? '' : `;${marker}`}`;
}

/** Tries both ways out when uv found no solution and named flwr; undefined when neither locks or flwr was not the cause. */
export async function lockBesideFlower(
  request: LockRequest,
  machine: string,
  failure: string,
  uv: UvSetup,
): Promise<FlowerFallback | undefined> {
  const current = pinnedFlower(request);
  // uv names the package it was fetching when the index fails too: only its "no solution" answer is a clash.
  if (current === undefined || !isUnsatisfiable(failure) || !/\bflwr\b/.test(failure)) return undefined;
  return (await withOlderFlower(request, machine, current, uv)) ?? raisePins(request, machine, current, failure, uv);
}

/** One resolution over the window of older releases: uv picks the newest that fits, or none does. */
async function withOlderFlower(
  request: LockRequest,
  machine: string,
  current: string,
  uv: UvSetup,
): Promise<FlowerFallback | undefined> {
  const oldest = olderFlowerReleases(current, request.python).at(-1);
  if (oldest === undefined) return undefined;
  const withFlower = (spec: string): LockRequest => ({
    ...request,
    requirements: request.requirements.map((line) => (requirementName(line) === 'flwr' ? `flwr${spec}` : line)),
  });
  const attempt = await lockTarget(withFlower(`>=${oldest},<${current}`), machine, [], uv);
  const version = attempt.ok ? lockedVersion(attempt.base, 'flwr') : undefined;
  if (!attempt.ok || version === undefined) return undefined;
  const note = `flwr ${version} in place of ${current}, the newest for python ${request.python}: ${current} does not install beside the repo's pins as written`;
  // Pinned again, so that the other platforms lock the same release.
  return { request: withFlower(`==${version}`), attempt, note };
}

async function raisePins(
  request: LockRequest,
  machine: string,
  flwr: string,
  failure: string,
  uv: UvSetup,
): Promise<FlowerFallback | undefined> {
  let candidate = request;
  let detail = failure;
  const raised: string[] = [];
  for (let round = 0; round < MAX_RAISED_PINS; round += 1) {
    const clash = flowerClash(detail, flwr);
    const line = clash && candidate.requirements.find((item) => requirementName(item) === clash.name);
    const raisedLine = clash && line ? raisedPin(line, clash) : undefined;
    if (clash === undefined || line === undefined || raisedLine === undefined) return undefined;
    raised.push(`${line.trim()} to ${raisedLine} (flwr ${clash.flwr} needs ${clash.name}${clash.needs})`);
    candidate = {
      ...candidate,
      requirements: candidate.requirements.map((item) => (item === line ? raisedLine : item)),
    };
    const attempt = await lockTarget(candidate, machine, [], uv);
    if (attempt.ok) {
      const note = `raised ${raised.join('; ')}: no Flower release for python ${request.python} accepts the pin as written, and the raise stays within its major version`;
      return { request: candidate, attempt, note };
    }
    detail = attempt.detail;
  }
  return undefined;
}
