// Phase 7: push both images to the platform's registry and record their digests.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pRetry from 'p-retry';
import { CommandError } from '../errors.js';
import type { BuiltImages } from '../images/built-image.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import { buildahPushArgs } from '../tools/buildah-args.js';
import { isTransientTransferError } from '../tools/transient.js';
import type { PhaseBehaviour } from './phase.js';

/** The pushed images with the digests the registry stored. */
export interface PushResult {
  readonly learner: ImageOutcome;
  readonly aggregator: ImageOutcome;
}

/** Retries of one image's push after a transient failure, waiting 2, 4, then 8 s: a registry restart fits in. */
export const PUSH_RETRY = Object.freeze({
  retries: 3,
  factor: 2,
  minTimeout: 2000,
  maxTimeout: 15_000,
  randomize: false,
});

export const pushPhase: PhaseBehaviour<PushResult> = {
  failureCode: 'PUSH_FAILED',
  describe: (result) => ({
    summary: `pushed ${result.learner.reference} and ${result.aggregator.reference}`,
    learner_image: result.learner,
    aggregator_image: result.aggregator,
  }),
};

/** Pushes the learner, then the aggregator, retrying transient transfer errors. */
export async function push(job: Job, built: BuiltImages, log: Logger): Promise<PushResult> {
  const isRetryable = (error: Error): boolean =>
    error instanceof CommandError && !error.timedOut && !error.cancelled && isTransientTransferError(error.stderrTail);
  const pushOne = async (reference: string, role: string): Promise<ImageOutcome> => {
    const digestFile = join(job.workdir, `${role}.digest`);
    const args = buildahPushArgs({
      localRef: reference,
      destination: reference,
      digestFile,
      tlsVerify: job.config.registry.tls,
      authFile: job.registryAccess.authFile,
      certDir: job.registryAccess.certDir,
    });
    log.info({ image: reference }, 'Pushing image');
    const attempt = (): Promise<unknown> =>
      job.buildah.runOr('PUSH_FAILED', `pushing ${reference}`, args, {
        timeoutMs: job.config.phaseTimeoutsMs.push,
        signal: job.signal,
      });
    await pRetry(attempt, {
      ...PUSH_RETRY,
      signal: job.signal,
      shouldRetry: ({ error }) =>
        isRetryable(error.cause instanceof Error ? error.cause : error) && !job.signal.aborted,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && isRetryable(error.cause instanceof Error ? error.cause : error)) {
          log.warn(
            { image: reference, attempt: attemptNumber, retries_left: retriesLeft, err: error.message },
            'Push failed for now; retrying',
          );
        }
      },
    });
    return { reference, digest: (await readFile(digestFile, 'utf8')).trim() };
  };
  const learner = await pushOne(built.learner.reference, 'learner');
  const aggregator = await pushOne(built.aggregator.reference, 'aggregator');
  return { learner, aggregator };
}
