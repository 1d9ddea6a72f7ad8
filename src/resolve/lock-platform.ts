// One platform's lock, and the ways out resolve may take when uv finds no solution: the aggregator's MLflow client,
// then Flower (resolve/flower-fallback); a package without a wheel is left out on the build's own platform only.

import { requirementName } from '../deps/requirement-name.js';
import { PhaseError } from '../errors.js';
import { hostPlatform, type PlatformInfo } from '../platforms.js';
import { lockBesideFlower } from './flower-fallback.js';
import { differences, pins } from './lock.js';
import { lockBesideMlflow } from './mlflow-fallback.js';
import type { PlatformLock } from './platform-lock.js';
import type { NotChecked } from './resolve-set.js';
import { type LockAttempt, type LockRequest, lockTarget, type UvSetup } from './uv-lock.js';

/** A platform's new lock, the request it was made from (changed by a fallback), and what changed. */
export type MadeLock = Omit<PlatformLock, 'inputsHash' | 'reused'> & {
  readonly note?: string;
  readonly request: LockRequest;
};

/**
 * Locks one platform. When uv finds no wheel for a package it does not build it (that would run its code here): pip
 * then explains, and on the build's own platform the requirement that pulls the package in is left out of the lock
 * and installed after it, built in the image; on another platform that cannot work without emulation, and fails.
 */
export async function lockPlatform(
  request: LockRequest,
  platform: PlatformInfo,
  first: PlatformLock | undefined,
  uv: UvSetup,
  explain: () => Promise<readonly NotChecked[]>,
): Promise<MadeLock> {
  const alsoPin = first ? pins(first.base).concat(pins(first.extras)) : [];
  let attempt = await lockTarget(request, platform.machine, alsoPin, uv);
  // The first platform's versions may have no wheel here: then this platform resolves on its own, and says so.
  if (!attempt.ok && attempt.unsatisfiable && alsoPin.length > 0)
    attempt = await lockTarget(request, platform.machine, [], uv);
  const locked = (done: Extract<LockAttempt, { ok: true }>, used: LockRequest, note: string): MadeLock => ({
    platform: platform.platform,
    base: done.base,
    extras: done.extras,
    unlocked: [],
    differs: first ? differences(first.base, done.base) : [],
    note,
    request: used,
  });
  let candidate = request;
  let failure = attempt.ok ? '' : attempt.detail;
  const notes: string[] = [];
  if (!attempt.ok && attempt.unsatisfiable) {
    const mlflow = await lockBesideMlflow(request, platform.machine, failure, uv);
    if (mlflow?.ok) return locked(mlflow.attempt, mlflow.request, mlflow.note);
    if (mlflow !== undefined) {
      candidate = mlflow.request;
      failure = mlflow.failure;
      notes.push(mlflow.note);
    }
  }
  // Then Flower: an older release, or a pin raised within its major version (see resolve/flower-fallback).
  if (!attempt.ok) {
    const fallback = await lockBesideFlower(candidate, platform.machine, failure, uv);
    if (fallback) return locked(fallback.attempt, fallback.request, [...notes, fallback.note].join('; '));
  }
  let unlocked: string[] = [];
  const noWheel = attempt.ok
    ? undefined
    : /(\S+?)==(\S+) has no wheels with a matching platform tag/.exec(attempt.detail);
  if (noWheel && platform.platform !== hostPlatform().platform) {
    throw new PhaseError(
      'NO_WHEEL_FOR_PLATFORM',
      `${noWheel[1]} ${noWheel[2]} has no wheel for ${platform.platform} (python ${request.python}), and the builder installs ${platform.platform} packages without emulating that platform; pin a release of ${noWheel[1]} that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
    );
  }
  if (!attempt.ok) {
    const left = (await explain()).filter((item) => item.reason === 'source-only');
    if (left.length === 0) {
      throw new PhaseError(
        'RESOLVE_FAILED',
        `uv could not lock the dependencies for ${platform.platform}: ${attempt.detail}`,
      );
    }
    if (platform.platform !== hostPlatform().platform) {
      const [item] = left;
      throw new PhaseError(
        'NO_WHEEL_FOR_PLATFORM',
        `${item?.requirement}${item?.parent ? ` (required by ${item.parent})` : ''} has no wheel for python ${request.python} on ${platform.platform}, only source releases, and the builder installs ${platform.platform} packages without emulating that platform; pin a release that publishes ${platform.machine} wheels, or leave ${platform.platform} out of --supported_platforms`,
      );
    }
    const culprits = new Set(left.map((item) => requirementName(item.parent ?? item.requirement)));
    unlocked = request.requirements.filter((line) => culprits.has(requirementName(line) ?? ''));
    const kept = request.requirements.filter((line) => !unlocked.includes(line));
    attempt = await lockTarget({ ...request, requirements: kept }, platform.machine, alsoPin, uv);
    if (!attempt.ok) {
      throw new PhaseError(
        'RESOLVE_FAILED',
        `uv could not lock the dependencies for ${platform.platform}: ${attempt.detail}`,
      );
    }
  }
  return {
    platform: platform.platform,
    base: attempt.base,
    extras: attempt.extras,
    unlocked,
    differs: first ? differences(first.base, attempt.base) : [],
    request,
  };
}
