// Phase 7: push the dependency images this job built whole in local storage (the conda path: the others are
// assembled in the registry by the build), then assemble every image in the registry on them, one per
// platform, and tag them: a single platform's manifest, or an OCI image index of all of them.

import type { ImageContext } from '../context/image-context.js';
import { assemble, type ImageTarget, roleChanges, tagImages } from '../images/assemble.js';
import { DEPS_LABELS } from '../images/deps-image.js';
import { pruneDepsRepository } from '../images/deps-retention.js';
import type { ImagesBuilt } from '../images/images-built.js';
import { writeLockRecord } from '../images/lock-record.js';
import { pushImage } from '../images/push-image.js';
import { retryUnreachable } from '../images/registry-retry.js';
import { type ImageRole, ROLE_IMAGES } from '../images/role-images.js';
import { pushSif, type SifFile } from '../images/sif-artifact.js';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageOutcome } from '../report/messages.js';
import type { Descriptor } from '../tables/oci.js';
import type { PhaseBehaviour } from './phase.js';

export type { ImageTarget } from '../images/assemble.js';

/** What push assembles. */
export interface PushInput {
  readonly context: ImageContext;
  readonly built: ImagesBuilt;
  readonly targets: Readonly<Partial<Record<ImageRole, ImageTarget>>>;
  /** The SIFs convert made (--sif), pushed beside their images. */
  readonly sifs: readonly SifFile[] | undefined;
}

/** Each pushed image: its reference, the tag's digest, and each platform's digest. */
export type PushResult = Readonly<Partial<Record<ImageRole, ImageOutcome>>>;

export const pushPhase: PhaseBehaviour<PushResult> = {
  failureCode: 'PUSH_FAILED',
  describe: (result) => ({
    summary: `pushed ${Object.values(result)
      .map((image) => image.reference)
      .join(' and ')}`,
    ...Object.fromEntries(Object.entries(result).map(([role, image]) => [`${role}_image`, image])),
  }),
};

/** Pushes the new dependency images, then assembles and tags each image. */
export async function push(job: Job, input: PushInput, log: Logger): Promise<PushResult> {
  const { context, built } = input;
  for (const deps of built.images.filter((image) => image.local)) {
    await pushImage(job, deps.reference, `${deps.role}-${deps.platform.architecture}-deps`, log);
  }
  // The locks under the hash of their inputs: a later job with the same inputs reuses them without resolving.
  for (const deps of context.deps) {
    if (deps.inputsTag === undefined || deps.lock === undefined) continue;
    const record = {
      [DEPS_LABELS.lock]: deps.lock.text,
      [DEPS_LABELS.extras]: deps.extras?.text ?? '',
      [DEPS_LABELS.unlocked]: deps.unlocked.join('\n'),
      [DEPS_LABELS.moved]: deps.moved.join('\n'),
    };
    const { inputsTag, platform } = deps;
    const write = () => writeLockRecord(job.registry, context.depsRepository, inputsTag, platform.platform, record);
    await retryUnreachable(job, `${context.depsRepository}:${inputsTag}`, write, log);
  }
  const created = new Date();
  const result: Partial<Record<ImageRole, ImageOutcome>> = {};
  for (const role of context.roles) {
    const target = input.targets[role];
    if (target === undefined) throw new Error(`internal: no target for the ${role} image`);
    const image = ROLE_IMAGES[role];
    const reference = `${job.config.registry.hostPort}/${target.repository}:${target.tag}`;
    const descriptors: Descriptor[] = [];
    for (const deps of context.deps) {
      const depsTag = deps.tags[image.deps];
      if (depsTag === undefined) throw new Error(`internal: no ${image.deps} dependency image`);
      const assembly = {
        platform: deps.platform.platform,
        depsRepository: context.depsRepository,
        depsTag,
        layers: built.layers[role] ?? [],
        changes: roleChanges(image, context.env, target.labels),
        created,
      };
      descriptors.push(
        await retryUnreachable(job, reference, () => assemble(job.registry, target.repository, assembly), log),
      );
    }
    const tag = () => tagImages(job.registry, target.repository, target.tag, descriptors);
    const digest = await retryUnreachable(job, reference, tag, log);
    const platforms = Object.fromEntries(
      descriptors.map((descriptor) => [
        `${descriptor.platform?.os}/${descriptor.platform?.architecture}`,
        descriptor.digest,
      ]),
    );
    log.info({ image: reference, digest, platforms }, 'Pushed the image');
    const sif: Record<string, { reference: string; digest: string }> = {};
    for (const file of (input.sifs ?? []).filter((item) => item.role === role)) {
      const sifReference = `${job.config.registry.hostPort}/${file.repository}:${file.tag}`;
      sif[file.platform] = { reference: sifReference, digest: await pushSif(job.registry, file) };
      log.info({ sif: sifReference, digest: sif[file.platform]?.digest, bytes: file.size }, 'Pushed the SIF');
    }
    result[role] = { reference, digest, platforms, ...(Object.keys(sif).length > 0 ? { sif } : {}) };
  }
  const inUse = new Set([
    ...built.images.map((image) => image.tag),
    ...context.deps.flatMap((deps) => (deps.inputsTag === undefined ? [] : [deps.inputsTag])),
  ]);
  await pruneDepsRepository(job.registry, job.config.keepDeps, context.depsRepository, inUse, log);
  return result;
}
