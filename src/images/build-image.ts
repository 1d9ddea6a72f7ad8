// Builds one image from a rendered context with buildah, with the job's build secrets and registry access.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { type BuildSecret, buildahBudArgs } from '../tools/buildah-args.js';
import type { BuiltImage } from './built-image.js';

/** One image to build: its Containerfile in `contextDir`, its tag and labels. */
export interface ImageBuild {
  readonly contextDir: string;
  readonly containerfile: string;
  readonly tag: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The stage to build, when not the last. */
  readonly target?: string;
}

/** Builds the image; a failure is a PhaseError BUILD_FAILED quoting buildah's last lines. */
export async function buildImage(job: Job, image: ImageBuild, log: Logger): Promise<BuiltImage> {
  const secrets: BuildSecret[] = [
    { id: 'flops-ca', src: job.buildSecrets.caFile },
    { id: 'flops-env', src: job.buildSecrets.envFile },
  ];
  const iidFile = join(job.workdir, `${image.containerfile}-${image.target ?? 'final'}.iid`);
  const args = buildahBudArgs({
    containerfile: join(image.contextDir, image.containerfile),
    contextDir: image.contextDir,
    tag: image.tag,
    iidFile,
    labels: image.labels,
    secrets,
    ...(image.target === undefined ? {} : { target: image.target }),
    authFile: job.registryAccess.authFile,
    certDir: job.registryAccess.certDir,
  });
  log.info({ containerfile: image.containerfile, target: image.target, tag: image.tag }, 'Building image');
  await job.buildah.runOr('BUILD_FAILED', `building ${image.containerfile}`, args, {
    signal: job.signal,
    onLine: (line) => log.info({ containerfile: image.containerfile, buildah: line }, 'buildah'),
  });
  return { reference: image.tag, imageId: (await readFile(iidFile, 'utf8')).trim() };
}
