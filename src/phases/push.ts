// Phase 7: push both images to the platform's registry and record their digests.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pRetry from 'p-retry';
import { CommandError, PipelineError } from '../errors.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import { buildahPushArgs } from '../tools/buildah-args.js';
import { run } from '../tools/exec.js';
import { isTransientTransferError } from '../tools/transient.js';
import { buildahEnv } from './build.js';
import { type Done, need, type PhaseDefinition } from './phase.js';

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

export const pushPhase: PhaseDefinition<'push'> = {
  name: 'push',
  failureCode: 'PUSH_FAILED',
  run: push,
  describe: (result) => ({
    summary: `pushed ${result.learner.reference} and ${result.aggregator.reference}`,
    learner_image: result.learner,
    aggregator_image: result.aggregator,
  }),
};

async function push(job: Job, done: Done, log: Logger): Promise<PushResult> {
  const built = need(done, 'build');
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
      run('buildah', args, {
        cwd: job.workdir,
        env: buildahEnv(job),
        timeoutMs: job.config.phaseTimeoutsMs.push,
        signal: job.signal,
      });
    try {
      await pRetry(attempt, {
        ...PUSH_RETRY,
        signal: job.signal,
        shouldRetry: ({ error }) => isRetryable(error) && !job.signal.aborted,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (isRetryable(error) && retriesLeft > 0)
            log.warn(
              { image: reference, attempt: attemptNumber, retries_left: retriesLeft, err: error.message },
              'Push failed for now; retrying',
            );
        },
      });
    } catch (error) {
      if (!(error instanceof CommandError) || error.timedOut || error.cancelled) throw error;
      throw new PipelineError('PUSH_FAILED', 'push', `pushing ${reference} failed: ${error.stderrTail}`, {
        cause: error,
      });
    }
    return { reference, digest: (await readFile(digestFile, 'utf8')).trim() };
  };
  const learner = await pushOne(built.learner.reference, 'learner');
  const aggregator = await pushOne(built.aggregator.reference, 'aggregator');
  return { learner, aggregator };
}
