// Makes sure every dependency image of a context exists: found in the registry by its content tag, or built now
// (and, for a platform the builder does not run on, checked there before it is tagged).

import { join } from 'node:path';
import { type Lock, lockDigest } from '../deps/lock.js';
import type { Job } from '../job.js';
import { hostPlatform, type PlatformInfo } from '../platforms.js';
import type { Logger } from '../report/logger.js';
import type { PinnedBase } from './base-image.js';
import { buildImage } from './build-image.js';
import { DEPS_LABELS, type DepsRole } from './deps-image.js';
import { type DepsTagged, installDeps } from './deps-install.js';
import { dropInstallCaches } from './install-cache.js';
import { newStageCache, type RoleStages, type StageCache } from './install-stages.js';
import { type InstalledModules, parseInstalledModules, readInstalledModules } from './installed-modules.js';
import { LABELS } from './labels.js';
import { settleAll } from './settle.js';
import type { PlatformCheck } from './verify-platform.js';

/** One dependency image: where it is (registry, or built locally and still to push). */
export interface DepsImage {
  readonly role: DepsRole;
  readonly platform: PlatformInfo;
  readonly tag: string;
  /** `registry/repository:tag`. */
  readonly reference: string;
  /** Made by this job (not found in the registry). */
  readonly built: boolean;
  /** Built in local storage alone (the conda path): the push phase pushes it; an assembled one is pushed already. */
  readonly local: boolean;
  /** A second tag that finds this image's locks again (on the role holding them). */
  readonly inputsTag: string | undefined;
  /** What the image lets code import; undefined for an image reused from a builder that did not record it. */
  readonly modules: InstalledModules | undefined;
}

/** The dependency images of every platform, and the platform checks that ran. */
export interface DepsBuild {
  readonly images: readonly DepsImage[];
  readonly checks: readonly PlatformCheck[];
  /** Local tags of the install stages this job built, and the other platforms' bases it pulled to check: pruned. */
  readonly installTags: readonly string[];
}

/** What a job's build left tagged in local storage: the dependency images it built and its install stages. */
export function builtDepsTags(build: DepsBuild | undefined): string[] {
  if (build === undefined) return [];
  return [...build.images.filter((image) => image.local).map((image) => image.reference), ...build.installTags];
}

/** One platform's dependency images: how to build them, and their tags. */
export interface DepsPlatform {
  readonly platform: PlatformInfo;
  /** The Containerfile in the context. */
  readonly containerfile: string;
  readonly base: PinnedBase;
  /** Each role's content tag in the dependency repository. */
  readonly tags: Readonly<Partial<Record<DepsRole, string>>>;
  /** The tag that finds the locks again (on the role holding them), when the platform is locked. */
  readonly inputsTag: string | undefined;
  /** The locks' text, for the images' labels. */
  readonly lock: Lock | undefined;
  readonly extras: Lock | undefined;
  readonly unlocked: readonly string[];
  /** Pins resolve moved for this platform only (an MLflow snapshot's pin without a wheel here), for the record. */
  readonly moved: readonly string[];
  /** Each role's install stages, whose top layers its image is assembled from; none on the conda path. */
  readonly installStages: Readonly<Partial<Record<DepsRole, RoleStages>>>;
}

/** What the build reads of a rendered context (context/image-context.ts renders it). */
export interface DepsContext {
  readonly contextDir: string;
  readonly depsRepository: string;
  readonly deps: readonly DepsPlatform[];
}

/** The modules every image must import on its platform, besides its installed packages. */
const RUNTIME_MODULES: Readonly<Record<DepsRole, readonly string[]>> = {
  learner: ['flwr', 'paho.mqtt.client', 'flops_common', 'flops_utils', 'flops_learner'],
  aggregator: ['flwr', 'paho.mqtt.client', 'mlflow', 'flops_common', 'flops_utils', 'flops_aggregator'],
  model: ['mlflow.pyfunc'],
  trainer: ['flops_trainer'],
};

/**
 * Finds or makes each dependency image (the aggregator's on the learner's environment layer, plus its own), platform
 * by platform: assembled in the registry from install stages (the locked path), or built whole and left for the push
 * phase (conda).
 */
export async function ensureDepsImages(job: Job, context: DepsContext, log: Logger): Promise<DepsBuild> {
  const made: Made = { images: [], cache: newStageCache(), tagging: [] };
  let dropped: Promise<void> = Promise.resolve();
  try {
    await makeAll(job, context, made, log);
    // Every install ran: the download caches go while the layers are pushed, not after the last push.
    dropped = dropInstallCaches(job);
  } finally {
    // Nothing of the phase outlives it, even when a later install failed while an image was pushed or checked.
    await Promise.allSettled([...made.images, ...made.tagging, dropped]);
  }
  const images = await Promise.all(made.images);
  const checks: PlatformCheck[] = [];
  const pulled: string[] = [];
  for (const tagged of await Promise.all(made.tagging)) {
    if (tagged.check !== undefined) checks.push(tagged.check);
    pulled.push(...tagged.localImages);
  }
  // From here the job needs the registry again only to push.
  log.info({ images: images.map((image) => image.reference) }, 'The dependency images are ready');
  // Each image of a platform checked its layers on the same base: pruned once.
  return { images, checks, installTags: [...made.cache.ids.keys(), ...new Set(pulled)] };
}

/** What makeAll fills in: each image in order, some still being pushed, assembled or checked. */
interface Made {
  readonly images: Promise<DepsImage>[];
  readonly cache: StageCache;
  readonly tagging: Promise<DepsTagged>[];
}

/**
 * Makes each platform's images in turn. Locked, a platform's roles start together (the aggregator's packages install
 * beside the learner's); conda's images build one after the other, the aggregator's from the learner's. The next
 * platform's installs start once these are built, while these are pushed, assembled and checked.
 */
async function makeAll(job: Job, context: DepsContext, made: Made, log: Logger): Promise<void> {
  for (const deps of context.deps) {
    const roles = (['learner', 'aggregator', 'model', 'trainer'] as const).filter(
      (role) => deps.tags[role] !== undefined,
    );
    const holder = roles.includes('aggregator') ? 'aggregator' : roles[0];
    const together = roles.every((role) => deps.installStages[role] !== undefined);
    const started: Promise<Started>[] = [];
    for (const role of roles) {
      const one = makeImage(job, context, deps, { role, holdsLocks: role === holder }, made, log);
      started.push(one);
      if (!together) await one;
    }
    for (const { image } of await settleAll(started)) made.images.push(image);
  }
}

/** An image whose install stages are built (or that was found, or built whole): the image once it is assembled. */
interface Started {
  readonly image: Promise<DepsImage>;
}

/** Finds the role's image in the registry, or builds it whole (conda), or builds its install stages. */
async function makeImage(
  job: Job,
  context: DepsContext,
  deps: DepsPlatform,
  { role, holdsLocks }: { readonly role: DepsRole; readonly holdsLocks: boolean },
  made: Made,
  log: Logger,
): Promise<Started> {
  const tag = deps.tags[role] as string;
  const reference = `${job.config.registry.hostPort}/${context.depsRepository}:${tag}`;
  const inputsTag = holdsLocks ? deps.inputsTag : undefined;
  const image = { role, platform: deps.platform, tag, reference, inputsTag };
  const found = job.config.force
    ? undefined
    : await completeImageLabels(job, context.depsRepository, tag, deps.platform.platform, log);
  if (found !== undefined) {
    log.info({ image: reference }, 'Reusing the dependency image from the registry');
    const modules = parseInstalledModules(found[DEPS_LABELS.modules]);
    return { image: Promise.resolve({ ...image, built: false, local: false, modules }) };
  }
  const labels: Record<string, string> = {
    [LABELS.title]: `FLOps ${role} dependencies`,
    [LABELS.builderVersion]: job.builderVersion,
    [LABELS.platforms]: deps.platform.platform,
    ...(deps.lock ? { [DEPS_LABELS.lockDigest]: lockDigest(deps.lock) } : {}),
  };
  const stages = deps.installStages[role];
  if (stages === undefined) {
    // The conda path: one image built whole on the build's platform (the only one it allows), its module list
    // read from the image itself (not labelled: the image is built in one step).
    const build = { contextDir: context.contextDir, containerfile: deps.containerfile };
    const target = `${role === 'aggregator' ? 'aggregator' : 'learner'}-deps`;
    await buildImage(job, { ...build, tag: reference, labels, target }, log);
    const modules = parseInstalledModules(await readInstalledModules(job, reference));
    return { image: Promise.resolve({ ...image, built: true, local: true, modules }) };
  }
  // Each image proves its own layer: the aggregator's adds the MLflow client to the learner's, checked already.
  const own = role === 'aggregator' ? deps.extras : deps.lock;
  const check =
    deps.platform.platform === hostPlatform().platform
      ? undefined
      : { modules: RUNTIME_MODULES[role], distributions: own?.packages.map((pkg) => pkg.name) };
  const installed = await installDeps(
    job,
    {
      contextDir: context.contextDir,
      containerfile: deps.containerfile,
      repository: context.depsRepository,
      tag,
      platform: deps.platform,
      base: deps.base,
      stages,
      labels,
      check,
      runtimeDir: join(context.contextDir, 'flops'),
    },
    made.cache,
    log,
  );
  made.tagging.push(installed.tagged);
  const assembled = installed.modules.then(
    (modules): DepsImage => ({ ...image, built: true, local: false, modules: parseInstalledModules(modules) }),
  );
  // Awaited by the caller; a failure meanwhile must not be an unhandled rejection.
  assembled.catch(() => undefined);
  return { image: assembled };
}

/**
 * The labels of the dependency image when the registry holds it whole: its manifest for the platform and every layer.
 * One that lost a blob (a registry's garbage collection, a failed upload) is built again, with a warning, never a
 * failure.
 */
async function completeImageLabels(
  job: Job,
  repository: string,
  tag: string,
  platform: string,
  log: Logger,
): Promise<Readonly<Record<string, string>> | undefined> {
  const image = await job.registry.platformImage(repository, tag, platform).catch((error: unknown) => {
    log.warn({ image: `${repository}:${tag}`, err: error }, 'The dependency image cannot be read; building it again');
    return undefined;
  });
  if (image === undefined) return undefined;
  for (const layer of image.manifest.layers) {
    if (!(await job.registry.hasBlob(repository, layer.digest))) {
      log.warn(
        { image: `${repository}:${tag}`, missing: layer.digest },
        'The dependency image in the registry lacks a layer; building it again',
      );
      return undefined;
    }
  }
  return image.config.config?.Labels ?? {};
}
