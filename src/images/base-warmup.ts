// The build platform's base image, pulled while the dependencies are locked: the first install stage of the build
// finds it in local storage instead of pulling it then (a cold job's first seconds of building). Best effort: a pull
// that fails is only logged, and the build pulls the base itself, failing there with its own error if it must.

import { CommandError } from '../errors.js';
import type { Job } from '../job.js';
import { hostPlatform } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { buildahPullArgs } from '../tools/buildah-args.js';
import { pinBase } from './base-image.js';

/** As long as a base image may take to arrive; the build would wait as long for it. */
const PULL_MS = 10 * 60_000;

/**
 * Runs `work` while the base image `baseImage` for the build's own platform is pulled; returns what `work` returns
 * once both are done. When `work` fails, or its result says the build will install nothing (`needed` is false: every
 * lock was an earlier build's, whose images the registry holds), the pull is stopped rather than waited for.
 */
export async function whilePullingBase<T>(
  job: Job,
  baseImage: string | undefined,
  log: Logger,
  work: () => Promise<T>,
  needed: (result: T) => boolean,
): Promise<T> {
  if (baseImage === undefined || job.config.dryRun) return work();
  const stop = new AbortController();
  const pulled = pullBase(job, baseImage, AbortSignal.any([job.signal, stop.signal]), log);
  try {
    const result = await work();
    if (!needed(result)) stop.abort();
    return result;
  } catch (error) {
    stop.abort();
    throw error;
  } finally {
    await pulled;
  }
}

/** Pins the base for the build's platform (as the build will) and pulls it by digest; never fails. */
async function pullBase(job: Job, baseImage: string, signal: AbortSignal, log: Logger): Promise<void> {
  const started = Date.now();
  try {
    const [pinned] = await pinBase(job, baseImage, [hostPlatform().platform]);
    if (pinned === undefined || signal.aborted) return;
    const { authFile, certDir } = job.registryAccess;
    const args = buildahPullArgs({ reference: pinned.ref, tlsVerify: undefined, authFile, certDir });
    await job.buildah.run(args, { signal, timeoutMs: PULL_MS });
    log.info({ image: pinned.ref, elapsed_ms: Date.now() - started }, 'Pulled the base image while locking');
  } catch (error) {
    if (error instanceof CommandError && error.cancelled) return;
    log.warn({ image: baseImage, err: error }, 'Could not pull the base image ahead of the build; the build will');
  }
}
