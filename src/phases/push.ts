// Phase 6: push both images to the platform's registry and record their digests.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, PipelineError } from '../errors.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import { buildahPushArgs } from '../tools/buildah-args.js';
import { run } from '../tools/exec.js';
import { buildahEnv } from './build.js';
import { need, type Done, type PhaseDefinition } from './phase.js';

/** The pushed images with the digests the registry stored. */
export interface PushResult {
  readonly learner: ImageOutcome;
  readonly aggregator: ImageOutcome;
}

const PUSH_TIMEOUT_MS = 20 * 60_000;

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
    try {
      await run('buildah', args, { cwd: job.workdir, env: buildahEnv(job), timeoutMs: PUSH_TIMEOUT_MS, signal: job.signal });
    } catch (error) {
      if (!(error instanceof CommandError) || error.timedOut || error.cancelled) throw error;
      throw new PipelineError('PUSH_FAILED', 'push', `pushing ${reference} failed: ${error.stderrTail}`, { cause: error });
    }
    return { reference, digest: (await readFile(digestFile, 'utf8')).trim() };
  };
  const learner = await pushOne(built.learner.reference, 'learner');
  const aggregator = await pushOne(built.aggregator.reference, 'aggregator');
  return { learner, aggregator };
}
