// One platform's lock, and the ways out resolve may take when uv finds no solution: a pin without a wheel there
// (moved in an MLflow snapshot, named in a file a person wrote), the aggregator's MLflow client, then Flower
// (resolve/flower-fallback); a package with only source releases is left out on the build's own platform only.

import { differences, pins } from '../deps/lock.js';
import { requirementName } from '../deps/requirement-name.js';
import { PhaseError } from '../errors.js';
import { hostPlatform, type PlatformInfo } from '../platforms.js';
import { lockBesideFlower } from './flower-fallback.js';
import { lockBesideMlflow } from './mlflow-fallback.js';
import {
  applyMoves,
  describeMissing,
  describeMove,
  firstWheelAfter,
  movesFor,
  type PinMove,
  undoMoves,
} from './pin-moves.js';
import type { PlatformLock } from './platform-lock.js';
import type { NotChecked } from './resolve-set.js';
import { type LockAttempt, type LockRequest, lockTarget, type UvSetup } from './uv-lock.js';
import { type MissingWheel, pinsWithoutWheel, type WheelCheckSetup } from './wheel-check.js';

/** A platform's new lock, the request the next platform starts from (a fallback's change kept), and the notes. */
export type MadeLock = Omit<PlatformLock, 'inputsHash' | 'reused'> & {
  readonly note?: string;
  readonly request: LockRequest;
};

/** What locking a platform uses besides uv's request. */
export interface PlatformTools {
  readonly uv: UvSetup;
  /** pip's check of a request for this platform: what it left out, or a thrown explanation of the failure. */
  readonly explain: (request: LockRequest) => Promise<readonly NotChecked[]>;
  readonly wheels: WheelCheckSetup;
  /** The environment file is one MLflow wrote (deps/mlflow-export): its pins may move for a platform. */
  readonly snapshot: boolean;
}

type Locked = Extract<LockAttempt, { ok: true }>;

/**
 * Locks one platform. When uv finds no solution, the exact pins are checked for wheels before a conflict is blamed.
 * When uv finds no wheel for a package it does not build it (that would run its code here): pip then explains, and
 * on the build's own platform the requirement that pulls the package in is left out of the lock and installed
 * after it, built in the image; on another platform that cannot work without emulation, and fails.
 */
export async function lockPlatform(
  asked: LockRequest,
  platform: PlatformInfo,
  first: PlatformLock | undefined,
  tools: PlatformTools,
): Promise<MadeLock> {
  const { uv } = tools;
  let alsoPin = first ? pins(first.base).concat(pins(first.extras)) : [];
  // The first platform's versions may have no wheel here: then this platform resolves on its own, and says so.
  const lockHere = async (request: LockRequest): Promise<LockAttempt> => {
    const attempt = await lockTarget(request, platform.machine, alsoPin, uv);
    return !attempt.ok && attempt.unsatisfiable && alsoPin.length > 0
      ? lockTarget(request, platform.machine, [], uv)
      : attempt;
  };
  let request = asked;
  let attempt = await lockHere(request);
  const onHost = platform.platform === hostPlatform().platform;
  let moves: PinMove[] = [];
  if (!attempt.ok && attempt.unsatisfiable && (tools.snapshot || !onHost)) {
    const missing = await pinsWithoutWheel(asked.requirements, platform, tools.wheels);
    const movable = tools.snapshot && missing.length > 0 ? movesFor(missing) : undefined;
    if (movable !== undefined) {
      moves = movable;
      request = { ...asked, requirements: applyMoves(asked.requirements, moves) };
      // The other packages keep the first platform's versions where they can; the moved ones cannot.
      const movedNames = new Set(moves.map((move) => move.missing.name));
      alsoPin = alsoPin.filter((line) => !movedNames.has(requirementName(line) ?? ''));
      attempt = await lockHere(request);
    } else if (missing.length > 0 && !onHost) {
      throw await missingWheels(missing, asked, platform, tools);
    }
  }
  const moved = moves.map(describeMove);
  const locked = (done: Locked, used: LockRequest, notes: readonly string[], unlocked: string[] = []): MadeLock => {
    const note = [...moved, ...notes].join('; ');
    return {
      platform: platform.platform,
      base: done.base,
      extras: done.extras,
      unlocked,
      differs: first ? differences(first.base, done.base) : [],
      moved,
      ...(note ? { note } : {}),
      // A move is for this platform only: the next one starts from the pin as written.
      request: { ...used, requirements: undoMoves(used.requirements, moves) },
    };
  };
  if (attempt.ok) return locked(attempt, request, []);
  const fallback = await withFallbacks(request, platform.machine, attempt, uv);
  if (fallback) return locked(fallback.attempt, fallback.request, fallback.notes);

  const noWheel = /(\S+?)==(\S+) has no wheels with a matching platform tag/.exec(attempt.detail);
  if (noWheel && !onHost) {
    throw new PhaseError(
      'NO_WHEEL_FOR_PLATFORM',
      `${noWheel[1]} ${noWheel[2]} has no wheel for ${platform.platform} (python ${request.python}), and the builder installs ${platform.platform} packages without emulating that platform; pin a release of ${noWheel[1]} that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
    );
  }
  const left = (await tools.explain(request)).filter((item) => item.reason === 'source-only');
  if (left.length === 0) {
    throw new PhaseError(
      'RESOLVE_FAILED',
      `uv could not lock the dependencies for ${platform.platform}: ${attempt.detail}`,
    );
  }
  if (!onHost) {
    const [item] = left;
    throw new PhaseError(
      'NO_WHEEL_FOR_PLATFORM',
      `${item?.requirement}${item?.parent ? ` (required by ${item.parent})` : ''} has no wheel for python ${request.python} on ${platform.platform}, only source releases, and the builder installs ${platform.platform} packages without emulating that platform; pin a release that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
    );
  }
  const culprits = new Set(left.map((item) => requirementName(item.parent ?? item.requirement)));
  const unlocked = request.requirements.filter((line) => culprits.has(requirementName(line) ?? ''));
  const kept = request.requirements.filter((line) => !unlocked.includes(line));
  const rest = await lockTarget({ ...request, requirements: kept }, platform.machine, alsoPin, uv);
  if (!rest.ok) {
    throw new PhaseError(
      'RESOLVE_FAILED',
      `uv could not lock the dependencies for ${platform.platform}: ${rest.detail}`,
    );
  }
  return locked(rest, request, [], unlocked);
}

/** The MLflow client's fallback, then Flower's; undefined when neither locks. */
async function withFallbacks(
  request: LockRequest,
  machine: string,
  failed: Extract<LockAttempt, { ok: false }>,
  uv: UvSetup,
): Promise<{ attempt: Locked; request: LockRequest; notes: string[] } | undefined> {
  let candidate = request;
  let failure = failed.detail;
  const notes: string[] = [];
  if (failed.unsatisfiable) {
    const mlflow = await lockBesideMlflow(request, machine, failure, uv);
    if (mlflow?.ok) return { attempt: mlflow.attempt, request: mlflow.request, notes: [mlflow.note] };
    if (mlflow !== undefined) {
      candidate = mlflow.request;
      failure = mlflow.failure;
      notes.push(mlflow.note);
    }
  }
  // Then Flower: an older release, or a pin raised within its major version (see resolve/flower-fallback).
  const flower = await lockBesideFlower(candidate, machine, failure, uv);
  return flower ? { attempt: flower.attempt, request: flower.request, notes: [...notes, flower.note] } : undefined;
}

/**
 * The refusal of pins a person wrote that have no wheel for the platform. Whether the set also conflicts is asked
 * with each pin at its first release that has a wheel: a conflict there is named too, as pip explains it.
 */
async function missingWheels(
  missing: readonly MissingWheel[],
  asked: LockRequest,
  platform: PlatformInfo,
  tools: PlatformTools,
): Promise<PhaseError> {
  const probeMoves = missing.flatMap((item) => {
    const to = firstWheelAfter(item);
    return to ? [{ missing: item, to, crossesMajor: false }] : [];
  });
  const probe = { ...asked, requirements: applyMoves(asked.requirements, probeMoves) };
  const conflict = await conflictOf(probe, platform, tools);
  const pinsText = probeMoves.map((move) => `${move.missing.name}==${move.to}`).join(', ');
  const what = missing.map(describeMissing).join('; ');
  const besides = conflict
    ? ` Besides, with ${pinsText || 'those pins'}, the requirements conflict on ${platform.platform}: ${conflict}`
    : '';
  return new PhaseError(
    'NO_WHEEL_FOR_PLATFORM',
    `${what}. The builder installs ${platform.platform} packages from wheels only, without emulating that platform: ${
      pinsText ? `pin ${pinsText} or later` : 'pin a release that publishes wheels for it'
    }, or leave ${platform.platform} out of --supported_platforms.${besides}`,
  );
}

/** The conflict a request still has on the platform once the fallbacks were tried, as pip explains it; else undefined. */
async function conflictOf(
  request: LockRequest,
  platform: PlatformInfo,
  tools: PlatformTools,
): Promise<string | undefined> {
  const attempt = await lockTarget(request, platform.machine, [], tools.uv);
  if (attempt.ok || !attempt.unsatisfiable) return undefined;
  if (await withFallbacks(request, platform.machine, attempt, tools.uv)) return undefined;
  try {
    await tools.explain(request);
  } catch (error) {
    if (error instanceof PhaseError && error.code === 'DEPENDENCY_CONFLICT') return error.message;
    throw error;
  }
  return uvCause(attempt.detail);
}

/** uv's `cause:` lines, without the heading and the hints. */
function uvCause(detail: string): string {
  const cause = /cause:\s*([\s\S]*?)(?:\n\s*\n|\nhint:|$)/.exec(detail)?.[1];
  return (cause ?? detail).replace(/\s+/g, ' ').trim();
}
