// Phase between build and push, with --sif: each image's Apptainer file (SIF) for every platform, made from its
// dependency image and the layers build wrote, before anything is pushed; push stores them beside the images.

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageContext } from '../context/image-context.js';
import { type ImageTarget, nextConfig, roleChanges } from '../images/assemble.js';
import type { ImagesBuilt } from '../images/images-built.js';
import { type ImageRole, ROLE_IMAGES } from '../images/role-images.js';
import { type SifFile, sifTag } from '../images/sif-artifact.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { makeSif } from '../sif/make-sif.js';
import type { PhaseBehaviour } from './phase.js';

/** What convert makes SIFs of: the rendered context, the build's layers, and where each image goes. */
export interface ConvertInput {
  readonly context: ImageContext;
  readonly built: ImagesBuilt;
  readonly targets: Readonly<Partial<Record<ImageRole, ImageTarget>>>;
}

/** Every SIF made, one per image and platform, and the targets (labels) they were made with. */
export interface ConvertResult {
  readonly files: readonly SifFile[];
  /** Push tags the images with these, so that an image and its SIF carry the same labels (the same `created`). */
  readonly targets: ConvertInput['targets'];
}

export const convertPhase: PhaseBehaviour<ConvertResult> = {
  failureCode: 'CONVERT_FAILED',
  describe: (result) => ({
    summary: `made ${result.files.map((file) => `${file.name} (${Math.round(file.size / 1024 / 1024)} MB)`).join(', ')}`,
    sif_files: result.files.map((file) => ({
      role: file.role,
      platform: file.platform,
      name: file.name,
      bytes: file.size,
    })),
  }),
  skip: (job) => (job.config.sif ? undefined : 'no --sif: no Apptainer files asked for'),
};

/** Makes the SIF of each image and platform in the job's folder. */
export async function convert(job: Job, input: ConvertInput, log: Logger): Promise<ConvertResult> {
  const { context, built } = input;
  const dir = join(job.workdir, 'sif');
  await mkdir(dir, { recursive: true });
  const created = new Date();
  const several = context.deps.length > 1;
  const files: SifFile[] = [];
  for (const role of context.roles) {
    const target = input.targets[role];
    if (target === undefined) throw new Error(`internal: no target for the ${role} image`);
    const image = ROLE_IMAGES[role];
    for (const deps of context.deps) {
      const depsTag = deps.tags[image.deps];
      if (depsTag === undefined) throw new Error(`internal: no ${image.deps} dependency image`);
      const { architecture, platform } = deps.platform;
      const name = `${role}-${architecture}.sif`;
      const file = join(dir, name);
      const layers = built.layers[role] ?? [];
      const reference = `${job.config.registry.hostPort}/${target.repository}:${target.tag}`;
      const changes = roleChanges(image, context.env, target.labels);
      await makeSif(
        job,
        {
          depsRef: `${job.config.registry.hostPort}/${context.depsRepository}:${depsTag}`,
          platform: deps.platform,
          layers,
          configOf: (base) => nextConfig(base, { changes, layers, created }),
          reference,
          file,
        },
        job.signal,
      );
      const { size } = await stat(file);
      const tag = sifTag(target.tag, architecture, several);
      log.info({ image: reference, platform, sif: file, bytes: size }, 'Made the SIF');
      files.push({ role, platform, name, file, size, repository: target.repository, tag });
    }
  }
  return { files, targets: input.targets };
}
