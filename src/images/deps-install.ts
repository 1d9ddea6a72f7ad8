// One dependency image of the locked (uv) path: its install stages built and pushed, the image assembled in the
// registry on the target platform's base, checked there when that platform is not the builder's, then tagged. Only
// a checked image gets its tag, so a later job never reuses one that failed its check.

import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import type { PlatformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { MEDIA_TYPES } from '../tables/oci.js';
import { buildahPullArgs } from '../tools/buildah-args.js';
import { clientFor, type PinnedBase } from './base-image.js';
import { assembleDeps, type PushedStage, type TargetBase } from './deps-assembly.js';
import { DEPS_LABELS } from './deps-image.js';
import { parseImageRef } from './image-ref.js';
import { buildStage, pushStage, type RoleStages, type StageCache } from './install-stages.js';
import { readInstalledModules } from './installed-modules.js';
import { retryUnreachable } from './registry-retry.js';
import { type PlatformCheck, verifyPlatform } from './verify-platform.js';

/** One image to make. */
export interface DepsInstall {
  readonly contextDir: string;
  readonly containerfile: string;
  readonly repository: string;
  readonly tag: string;
  readonly platform: PlatformInfo;
  readonly base: PinnedBase;
  readonly stages: RoleStages;
  readonly labels: Readonly<Record<string, string>>;
  /** Set for a platform the builder does not run on: what the check imports there. */
  readonly check: Parameters<typeof verifyPlatform>[3] | undefined;
  /** The FL runtime's folder, importable by the check's python. */
  readonly runtimeDir: string;
}

/** The image made: its module list, and its check and tag, which may still be running. */
export interface DepsInstalled {
  readonly modules: string;
  /**
   * Settles once the image is checked (on a foreign platform) and tagged: the caller starts the next image's install
   * meanwhile, so that emulated imports and an install share the cores, and awaits it before the phase ends.
   */
  readonly tagged: Promise<DepsTagged>;
}

/** What checking and tagging found, and what it left in local storage (the image pulled for the check). */
export interface DepsTagged {
  readonly check: PlatformCheck | undefined;
  readonly localImages: readonly string[];
}

/** Builds, pushes and assembles the image; then checks it on a foreign platform and tags it (`tagged`). */
export async function installDeps(
  job: Job,
  install: DepsInstall,
  cache: StageCache,
  log: Logger,
): Promise<DepsInstalled> {
  const build = { contextDir: install.contextDir, containerfile: install.containerfile };
  for (const stage of install.stages.layers) await buildStage(job, build, stage, cache, log);
  const modules = await readInstalledModules(job, await buildStage(job, build, install.stages.modules, cache, log));
  const stages: PushedStage[] = [];
  for (const stage of install.stages.layers) {
    stages.push(await pushStage(job, stage, install.repository, install.platform.architecture, cache, log));
  }
  const labels = modules === '' ? install.labels : { ...install.labels, [DEPS_LABELS.modules]: modules };
  const created = new Date();
  const assemble = () =>
    withTargetBase(job, install.base, (base) =>
      assembleDeps(job.registry, { repository: install.repository, base, stages, labels, created }),
    );
  const assembled = await retryUnreachable(job, `${install.repository}:${install.tag}`, assemble, log);
  return { modules, tagged: checkAndTag(job, install, assembled, log) };
}

/** Pulls the assembled image by digest and checks it when its platform is foreign, then tags it. */
async function checkAndTag(
  job: Job,
  install: DepsInstall,
  assembled: { readonly digest: string; readonly body: Buffer },
  log: Logger,
): Promise<DepsTagged> {
  const pinned = `${job.config.registry.hostPort}/${install.repository}@${assembled.digest}`;
  let check: PlatformCheck | undefined;
  const localImages: string[] = [];
  if (install.check !== undefined) {
    const pull = buildahPullArgs({
      reference: pinned,
      tlsVerify: job.config.registry.tls,
      authFile: job.registryAccess.authFile,
      certDir: job.registryAccess.certDir,
    });
    const { stdout } = await job.buildah.runOr('BUILD_FAILED', `pulling ${pinned}`, pull, { signal: job.signal });
    const imageId = stdout.trim().split('\n').at(-1);
    if (imageId === undefined || imageId === '') throw new PhaseError('BUILD_FAILED', `pulling ${pinned} gave no ID`);
    localImages.push(imageId);
    check = await verifyPlatform(job, imageId, install.platform, install.check, install.runtimeDir, log);
  }
  const tag = () => job.registry.putManifest(install.repository, install.tag, MEDIA_TYPES.manifest, assembled.body);
  await retryUnreachable(job, `${install.repository}:${install.tag}`, tag, log);
  log.info(
    { image: `${install.repository}:${install.tag}`, digest: assembled.digest },
    'Assembled the dependency image',
  );
  return { check, localImages };
}

/** Reads the target base's manifest and config from its registry for `use`, then lets the client go. */
async function withTargetBase<T>(job: Job, pinned: PinnedBase, use: (base: TargetBase) => Promise<T>): Promise<T> {
  const ref = parseImageRef(pinned.ref);
  if (ref === undefined) throw new Error(`internal: the pinned base ${pinned.ref} is not a reference`);
  const client = clientFor(job, ref);
  try {
    const image = await client.platformImage(ref.repository, pinned.digest, pinned.platform);
    if (image === undefined) {
      throw new PhaseError('BUILD_FAILED', `the base ${pinned.ref} has no ${pinned.platform} image any more`);
    }
    return await use({ client, repository: ref.repository, manifest: image.manifest, config: image.config });
  } finally {
    if (client !== job.registry) await client.close().catch(() => undefined);
  }
}
