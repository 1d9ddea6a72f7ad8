// One dependency image of the locked (uv) path: its install stages built and pushed (the aggregator's own layer
// installed in a working container and committed straight to the registry), the image assembled in the registry on
// the target platform's base, checked there when that platform is not the builder's, then tagged. Only a checked
// image gets its tag, so a later job never reuses one that failed its check.

import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import type { PlatformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import { MEDIA_TYPES } from '../tables/oci.js';
import { buildahPullArgs } from '../tools/buildah-args.js';
import { clientFor, type PinnedBase } from './base-image.js';
import { type InstalledContainer, installInContainer, removeContainer } from './container-install.js';
import { assembleDeps, type TargetBase } from './deps-assembly.js';
import { DEPS_LABELS } from './deps-image.js';
import { parseImageRef } from './image-ref.js';
import {
  buildStage,
  type ContainerInstall,
  commitInstalled,
  pushStage,
  type RoleStages,
  type StageCache,
} from './install-stages.js';
import { mergeInstalledModules, readInstalledModules } from './installed-modules.js';
import { retryUnreachable } from './registry-retry.js';
import { settleAll, settleBoth } from './settle.js';
import { type EnvironmentSource, type PlatformCheck, verifyPlatform } from './verify-platform.js';

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

/**
 * The image under way once its layers are built: the caller starts the next image's install meanwhile, so that this
 * one's pushes, assembly and (on a foreign platform) emulated imports share the cores with it. Both settle before the
 * phase ends.
 */
export interface DepsInstalled {
  /** The image's module list, once it is assembled in the registry. */
  readonly modules: Promise<string>;
  /** Once the image is checked (on a foreign platform) and tagged. */
  readonly tagged: Promise<DepsTagged>;
}

/** What checking and tagging found, and what it left in local storage (the image pulled for the check). */
export interface DepsTagged {
  readonly check: PlatformCheck | undefined;
  readonly localImages: readonly string[];
}

/**
 * Builds the image's install stages, then (without waiting) lists its modules while its layers are pushed and it is
 * assembled in the registry, meanwhile checks it when its platform is foreign, and tags it once both are done.
 */
export async function installDeps(
  job: Job,
  install: DepsInstall,
  cache: StageCache,
  log: Logger,
): Promise<DepsInstalled> {
  const build = { contextDir: install.contextDir, containerfile: install.containerfile };
  // Built side by side: the aggregator's own packages install while the learner's do. Every build settles before a
  // failure is thrown, and a working container whose install ran is removed then.
  const built = install.stages.layers.map((stage) => buildStage(job, build, stage, cache, log));
  const own = install.stages.own;
  const owned = own === undefined ? Promise.resolve(undefined) : installOwn(job, install, own, cache, log);
  const [images, installed] = await settleBoth(settleAll(built), owned).catch(async (error: unknown) => {
    const ran = await owned.catch(() => undefined);
    if (ran !== undefined) await removeContainer(job, ran.container);
    throw error;
  });
  const environments: EnvironmentSource[] = images.map((image) => ({ image }));
  if (installed !== undefined) environments.push({ container: installed.container });
  const assembled = assemble(job, install, cache, installed, log);
  const checked: Promise<DepsTagged> =
    install.check === undefined
      ? Promise.resolve({ check: undefined, localImages: [] })
      : checkOnPlatform(job, install, install.check, environments, log);
  // Both settle before a failure is thrown: nothing outlives the phase. The working container goes once its layer is
  // pushed and checked, while the image is tagged.
  const done = settleBoth(assembled, checked);
  const removed =
    installed === undefined ? Promise.resolve() : settled(done).then(() => removeContainer(job, installed.container));
  const tagged = settleBoth(
    done.then(([image, check]) => tagAssembled(job, install, image, check, log)),
    removed,
  ).then(([check]) => check);
  // Awaited by the caller; a failure before then must not be an unhandled rejection.
  tagged.catch(() => undefined);
  return { modules: assembled.then((image) => image.modules), tagged };
}

/** Builds the stage the role's own layer starts from, then installs that layer in a working container of it. */
async function installOwn(
  job: Job,
  install: DepsInstall,
  own: ContainerInstall,
  cache: StageCache,
  log: Logger,
): Promise<InstalledContainer> {
  const build = { contextDir: install.contextDir, containerfile: install.containerfile };
  const from = await buildStage(job, build, own.from, cache, log);
  return await installInContainer(job, install.contextDir, own, from, log);
}

/** Resolves once `promise` settles, either way. */
function settled(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}

/**
 * The module list (its stage built while the layers are pushed; the own layer's list added) and the image assembled
 * from the pushed layers, the own layer committed from its container on top.
 */
async function assemble(
  job: Job,
  install: DepsInstall,
  cache: StageCache,
  own: InstalledContainer | undefined,
  log: Logger,
): Promise<{ readonly modules: string; readonly digest: string; readonly body: Buffer }> {
  const build = { contextDir: install.contextDir, containerfile: install.containerfile };
  const listed = buildStage(job, build, install.stages.modules, cache, log)
    .then((id) => readInstalledModules(job, id))
    .then((modules) => (own === undefined ? modules : mergeInstalledModules(modules, own.modules)));
  const { architecture } = install.platform;
  const pushes = install.stages.layers.map((stage) =>
    pushStage(job, stage, install.repository, architecture, cache, log),
  );
  const ownStage = install.stages.own;
  if (own !== undefined && ownStage !== undefined) {
    pushes.push(commitInstalled(job, ownStage, own.container, install.repository, architecture, log));
  }
  // Every push settles before a failure is thrown: none outlives the phase.
  const [modules, stages] = await settleBoth(listed, settleAll(pushes));
  const labels = modules === '' ? install.labels : { ...install.labels, [DEPS_LABELS.modules]: modules };
  const created = new Date();
  const put = () =>
    withTargetBase(job, install.base, (base) =>
      assembleDeps(job.registry, { repository: install.repository, base, stages, labels, created }),
    );
  const image = await retryUnreachable(job, `${install.repository}:${install.tag}`, put, log);
  return { modules, ...image };
}

/**
 * Checks the environment of the install stages `environments` on the platform's base (pulled by digest, as the build
 * pulls its own): the files of the image's layers, before they are assembled.
 */
async function checkOnPlatform(
  job: Job,
  install: DepsInstall,
  check: NonNullable<DepsInstall['check']>,
  environments: readonly EnvironmentSource[],
  log: Logger,
): Promise<DepsTagged> {
  const { authFile, certDir } = job.registryAccess;
  const pull = buildahPullArgs({ reference: install.base.ref, tlsVerify: undefined, authFile, certDir });
  const what = `pulling the ${install.platform.platform} base ${install.base.ref}`;
  const { stdout } = await job.buildah.runOr('BUILD_FAILED', what, pull, { signal: job.signal });
  const base = stdout.trim().split('\n').at(-1);
  if (base === undefined || base === '') throw new PhaseError('BUILD_FAILED', `${what} gave no image ID`);
  const name = `${install.repository}:${install.tag}`;
  const found = await verifyPlatform(
    job,
    { name, base, environments },
    install.platform,
    check,
    install.runtimeDir,
    log,
  );
  return { check: found, localImages: [base] };
}

/** Tags the assembled image (checked, on a foreign platform): from now on a later job reuses it. */
async function tagAssembled(
  job: Job,
  install: DepsInstall,
  assembled: { readonly digest: string; readonly body: Buffer },
  checked: DepsTagged,
  log: Logger,
): Promise<DepsTagged> {
  const tag = () => job.registry.putManifest(install.repository, install.tag, MEDIA_TYPES.manifest, assembled.body);
  await retryUnreachable(job, `${install.repository}:${install.tag}`, tag, log);
  log.info(
    { image: `${install.repository}:${install.tag}`, digest: assembled.digest },
    'Assembled the dependency image',
  );
  return checked;
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
