// Phase 6: the dependency images of every platform (found in the registry, or built with buildah and checked on their
// platform), and the layers each image adds on them (written by the builder: the FL runtime, the repo or model).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageContext } from '../context/image-context.js';
import { ensureDepsImages } from '../images/deps-build.js';
import type { ImagesBuilt } from '../images/images-built.js';
import { type WrittenLayer, writeLayer } from '../images/layer.js';
import { IMAGE_USER, type ImageRole, type Placement, ROLE_IMAGES } from '../images/role-images.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { PhaseBehaviour } from './phase.js';

/** The dependency images, and each image's own layers, ready for the push. */
export type BuildResult = ImagesBuilt;

export const buildPhase: PhaseBehaviour<BuildResult> = {
  failureCode: 'BUILD_FAILED',
  describe: (result) => {
    const built = result.images.filter((image) => image.built);
    const reused = result.images.length - built.length;
    const checks = result.checks.map((check) => `${check.platform} checked by ${check.method} (${check.checked})`);
    return {
      summary: `dependency images: ${built.length} built, ${reused} reused from the registry${checks.length > 0 ? `; ${checks.join(', ')}` : ''}`,
      dependency_images: result.images.map((image) => ({ reference: image.reference, built: image.built })),
      platform_checks: result.checks,
    };
  },
};

/** Finds or builds the dependency images, then writes each image's layers. */
export async function build(job: Job, context: ImageContext, log: Logger): Promise<BuildResult> {
  const deps = await ensureDepsImages(job, context, log);
  const dir = join(job.workdir, 'layers');
  await mkdir(dir, { recursive: true });
  // The learner and aggregator share the repo's layer: written once, the same bytes and digest for both.
  const written = new Map<string, WrittenLayer>();
  const layer = async (placements: readonly Placement[], comment: string): Promise<WrittenLayer> => {
    const key = JSON.stringify(placements);
    const known = written.get(key);
    if (known !== undefined) return known;
    const file = join(dir, `layer-${written.size}.tar.gz`);
    const made = await writeLayer(context.contextDir, placements, IMAGE_USER, file, comment);
    written.set(key, made);
    return made;
  };
  const layers: Partial<Record<ImageRole, WrittenLayer[]>> = {};
  for (const role of context.roles) {
    const image = ROLE_IMAGES[role];
    const own: WrittenLayer[] = [];
    if (image.runtime.length > 0) own.push(await layer(image.runtime, `the FLOps ${role} runtime`));
    own.push(await layer([image.content], `${image.content.from} at ${image.content.to}`));
    layers[role] = own;
  }
  log.info(
    { layers: [...written.values()].map((item) => ({ digest: item.digest, bytes: item.size })) },
    'Wrote the layers',
  );
  return { ...deps, layers };
}
