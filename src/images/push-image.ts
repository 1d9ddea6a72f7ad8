// Pushes one local image to the registry, retrying transient transfer errors, and reads the digest buildah wrote.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pRetry from 'p-retry';
import { CommandError } from '../errors.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import { buildahCommitArgs, buildahPushArgs } from '../tools/buildah-args.js';
import { isTransientTransferError } from '../tools/transient.js';

/** Retries of one image's push after a transient failure, waiting 2, 4, then 8 s: a registry restart fits in. */
export const PUSH_RETRY = Object.freeze({
  retries: 3,
  factor: 2,
  minTimeout: 2000,
  maxTimeout: 15_000,
  randomize: false,
});

/**
 * Pushes the local image `reference` under the same name, or to `destination`; `name` names the digest file. A
 * failure is PhaseError PUSH_FAILED.
 */
export async function pushImage(
  job: Job,
  reference: string,
  name: string,
  log: Logger,
  destination = reference,
): Promise<ImageOutcome> {
  const digestFile = join(job.workdir, `${name}.digest`);
  const args = buildahPushArgs({
    localRef: reference,
    destination,
    digestFile,
    tlsVerify: job.config.registry.tls,
    authFile: job.registryAccess.authFile,
    certDir: job.registryAccess.certDir,
  });
  log.info({ image: reference, destination }, 'Pushing image');
  const attempt = (): Promise<unknown> =>
    job.buildah.runOr('PUSH_FAILED', `pushing ${destination}`, args, {
      signal: job.signal,
    });
  await retryForNow(job, reference, attempt, isRetryable, log);
  return { reference: destination, digest: (await readFile(digestFile, 'utf8')).trim() };
}

/**
 * Commits the working container `container` straight to `destination` in the job's registry, retrying as a push
 * does. A failure is PhaseError PUSH_FAILED.
 */
export async function commitToRegistry(job: Job, container: string, destination: string, log: Logger): Promise<void> {
  const args = buildahCommitArgs({
    container,
    destination,
    tlsVerify: job.config.registry.tls,
    authFile: job.registryAccess.authFile,
    certDir: job.registryAccess.certDir,
  });
  log.info({ container, destination }, 'Committing the container to the registry');
  const attempt = (): Promise<unknown> =>
    job.buildah.runOr('PUSH_FAILED', `committing to ${destination}`, args, { signal: job.signal });
  await retryForNow(job, destination, attempt, isRetryable, log);
}

/**
 * Runs `work` again (PUSH_RETRY) after a failure `forNow` says is for now, logging each retry; `image` names it in
 * the log. Never after the job is cancelled or timed out.
 */
export async function retryForNow<T>(
  job: Job,
  image: string,
  work: () => Promise<T>,
  forNow: (error: Error) => boolean,
  log: Logger,
): Promise<T> {
  return await pRetry(work, {
    ...PUSH_RETRY,
    signal: job.signal,
    shouldRetry: ({ error }) => forNow(error) && !job.signal.aborted,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft > 0 && forNow(error)) {
        log.warn(
          { image, attempt: attemptNumber, retries_left: retriesLeft, err: error.message },
          'Push failed for now; retrying',
        );
      }
    },
  });
}

/** A failed buildah push or commit (wrapped in the PhaseError it became) whose error text says the failure is for now. */
function isRetryable(error: Error): boolean {
  const command = error.cause instanceof CommandError ? error.cause : error;
  return (
    command instanceof CommandError &&
    !command.timedOut &&
    !command.cancelled &&
    isTransientTransferError(command.stderrTail)
  );
}
