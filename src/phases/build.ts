// Phase 6: build the shared base image, then the learner and aggregator images FROM it, with buildah.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, PipelineError } from '../errors.js';
import { imageLabels } from '../images/labels.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { type BuildSecret, buildahBudArgs, buildahInspectArgs } from '../tools/buildah-args.js';
import { run } from '../tools/exec.js';
import { baseImageTag } from './inject.js';
import { type Done, need, type PhaseDefinition } from './phase.js';

/** A built image in local storage. */
export interface BuiltImage {
  readonly reference: string;
  readonly imageId: string;
}

/** The two images, ready to push. */
export interface BuildResult {
  readonly learner: BuiltImage;
  readonly aggregator: BuiltImage;
  readonly architecture: string;
}

export const buildPhase: PhaseDefinition<'build'> = {
  name: 'build',
  failureCode: 'BUILD_FAILED',
  run: build,
  describe: (result) => ({
    summary: `learner and aggregator images built for ${result.architecture}`,
    learner_image_id: result.learner.imageId,
    aggregator_image_id: result.aggregator.imageId,
    architecture: result.architecture,
  }),
};

async function build(job: Job, done: Done, log: Logger): Promise<BuildResult> {
  const { images, commitSha } = need(done, 'clone');
  const { contextDir, containerfiles } = need(done, 'inject');
  const patched = need(done, 'patch');
  const secrets: BuildSecret[] = [
    { id: 'flops-ca', src: job.buildSecrets.caFile },
    { id: 'flops-env', src: job.buildSecrets.envFile },
  ];
  const labels = (role: 'learner' | 'aggregator'): Record<string, string> =>
    imageLabels({
      sourceUrl: job.config.repo.display,
      revision: commitSha,
      created: new Date(),
      role,
      builderVersion: job.builderVersion,
      flwrVersion: patched.flwrVersion,
      pythonVersion: patched.python,
      patches: patched.patches,
    });
  const buildOne = async (
    containerfile: string,
    tag: string,
    imageLabels: Record<string, string>,
  ): Promise<BuiltImage> => {
    const iidFile = join(job.workdir, `${containerfile}.iid`);
    const args = buildahBudArgs({
      containerfile: join(contextDir, containerfile),
      contextDir,
      tag,
      iidFile,
      labels: imageLabels,
      secrets,
      authFile: job.registryAccess.authFile,
      certDir: job.registryAccess.certDir,
    });
    log.info({ containerfile, tag }, 'Building image');
    await buildah(job, args, log, containerfile);
    return { reference: tag, imageId: (await readFile(iidFile, 'utf8')).trim() };
  };

  await buildOne(containerfiles.base, baseImageTag(done), {});
  const learner = await buildOne(containerfiles.learner, images.learner, labels('learner'));
  const aggregator = await buildOne(containerfiles.aggregator, images.aggregator, labels('aggregator'));
  const { stdout } = await run('buildah', buildahInspectArgs(learner.reference, '{{.OCIv1.Architecture}}'), {
    cwd: job.workdir,
    env: buildahEnv(job),
    timeoutMs: 60_000,
    signal: job.signal,
  });
  return { learner, aggregator, architecture: stdout.trim() };
}

/** The environment buildah runs with: the host's essentials and, for a plain-HTTP registry, our registries.conf. */
export function buildahEnv(job: Job): Record<string, string> {
  const conf = job.registryAccess.registriesConf;
  return { ...job.config.toolEnv, ...(conf ? { CONTAINERS_REGISTRIES_CONF: conf } : {}) };
}

async function buildah(job: Job, args: string[], log: Logger, containerfile: string): Promise<void> {
  try {
    await run('buildah', args, {
      cwd: job.workdir,
      env: buildahEnv(job),
      timeoutMs: job.config.phaseTimeoutsMs.build,
      signal: job.signal,
      onLine: (line) => log.info({ containerfile, buildah: line }, 'buildah'),
    });
  } catch (error) {
    if (!(error instanceof CommandError) || error.timedOut || error.cancelled) throw error;
    throw new PipelineError('BUILD_FAILED', 'build', `building ${containerfile} failed: ${error.stderrTail}`, {
      cause: error,
    });
  }
}
