// The reuse of an earlier build's lock: while a platform's inputs are the same, its lock is read back from the lock
// record in the registry, so new releases on the index never turn a code-only change into a dependency rebuild.

import { readLock } from '../deps/lock.js';
import { DEPS_LABELS, inputsTag, LOCK_HOLDER } from '../images/deps-image.js';
import type { Job } from '../job.js';
import type { PlatformInfo } from '../platforms.js';
import type { PlatformLock } from './platform-lock.js';
import type { ResolveInput } from './result.js';

/** The locks an earlier build made from the same inputs, read from its dependency images' labels. */
export async function earlierLock(
  job: Job,
  input: ResolveInput,
  platform: PlatformInfo,
  inputsHash: string,
): Promise<Omit<PlatformLock, 'differs' | 'inputsHash'> | undefined> {
  if (input.depsRepository === undefined || job.config.force) return undefined;
  const role = LOCK_HOLDER[input.plan.purpose];
  const tag = inputsTag(role, platform.architecture, inputsHash);
  const image = await job.registry.platformImage(input.depsRepository, tag, platform.platform).catch(() => undefined);
  if (image === undefined) return undefined;
  const labels = image.config.config?.Labels ?? {};
  const base = labels[DEPS_LABELS.lock];
  if (base === undefined || readLock(base).packages.length === 0) {
    job.log.warn({ tag, platform: platform.platform }, 'The lock kept in the registry is unreadable; locking again');
    return undefined;
  }
  return {
    platform: platform.platform,
    base: readLock(base),
    extras: readLock(labels[DEPS_LABELS.extras] ?? ''),
    unlocked: (labels[DEPS_LABELS.unlocked] ?? '').split('\n').filter(Boolean),
    moved: (labels[DEPS_LABELS.moved] ?? '').split('\n').filter(Boolean),
    reused: true,
  };
}
