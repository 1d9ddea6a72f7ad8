// The install stages of a dependency Containerfile: built on the build's platform, each under its local tag, and the
// ones that make an image's layers pushed to the dependency repository, once per job each (the aggregator shares the
// learner's environment stage).

import { createHash } from 'node:crypto';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageConfig, ImageManifest } from '../tables/oci.js';
import { buildImage } from './build-image.js';
import type { PushedStage } from './deps-assembly.js';
import { commitToRegistry, pushImage } from './push-image.js';

/** A stage of the dependency Containerfile that runs on the build's platform, and the local tag it gets. */
export interface InstallStage {
  readonly target: string;
  readonly tag: string;
}

/**
 * A layer installed by a script in a working container of a built stage, committed straight to the registry: the
 * aggregator's own packages (fl-templates/aggregator-install.sh, src/images/container-install.ts).
 */
export interface ContainerInstall {
  /** Names the layer by the digest of everything it is made of, as a stage's local tag does; it is never tagged. */
  readonly name: string;
  /** The stage the container starts from: an empty environment (locked), or the learner's (no lock). */
  readonly from: InstallStage;
  /** The script in the context's `tools` folder, and its arguments. */
  readonly script: string;
  readonly args: readonly string[];
  /** The platform's locks folder in the context (`locks/<architecture>`). */
  readonly locks: string;
  /** What the image's history says made the layer. */
  readonly createdBy: string;
}

/**
 * A role's install stages: each of `layers` adds one layer of its image (its top one), and `own` (the aggregator's)
 * one more; `modules` lists what `layers` installed, and `own` lists its own.
 */
export interface RoleStages {
  readonly layers: readonly InstallStage[];
  readonly modules: InstallStage;
  readonly own?: ContainerInstall;
}

/**
 * What this job built and pushed of the install stages, by local tag: each is built and pushed once, even when two
 * images that share a stage ask for it at the same time (the next image installs while this one is pushed).
 */
export interface StageCache {
  readonly ids: Map<string, Promise<string>>;
  readonly pushed: Map<string, Promise<PushedStage>>;
}

export function newStageCache(): StageCache {
  return { ids: new Map(), pushed: new Map() };
}

/** Builds `stage` unless this job did; returns its image ID. */
export async function buildStage(
  job: Job,
  build: { readonly contextDir: string; readonly containerfile: string },
  stage: InstallStage,
  cache: StageCache,
  log: Logger,
): Promise<string> {
  const known = cache.ids.get(stage.tag);
  if (known !== undefined) return known;
  const built = buildImage(job, { ...build, tag: stage.tag, labels: {}, target: stage.target }, log);
  const imageId = built.then((image) => image.imageId);
  cache.ids.set(stage.tag, imageId);
  return imageId;
}

/**
 * Pushes the built `stage` to `repository` (in the job's registry) unless this job did, under a tag of its own that
 * retention prunes like the images' (`install-<architecture>-<hash>`), and reads back its manifest and config.
 */
export async function pushStage(
  job: Job,
  stage: InstallStage,
  repository: string,
  architecture: string,
  cache: StageCache,
  log: Logger,
): Promise<PushedStage> {
  const known = cache.pushed.get(stage.tag);
  if (known !== undefined) return known;
  const pushed = pushAndRead(job, stage, repository, architecture, log);
  cache.pushed.set(stage.tag, pushed);
  return pushed;
}

async function pushAndRead(
  job: Job,
  stage: InstallStage,
  repository: string,
  architecture: string,
  log: Logger,
): Promise<PushedStage> {
  const { hash, destination } = stageDestination(job, stage.tag, repository, architecture);
  const { digest } = await pushImage(job, stage.tag, `install-${hash}`, log, destination);
  return await readPushed(job, repository, digest, destination);
}

/**
 * Commits the working container of a ContainerInstall (its install ran) to `repository`, under a tag like an install
 * stage's, and reads back its manifest and config.
 */
export async function commitInstalled(
  job: Job,
  install: ContainerInstall,
  container: string,
  repository: string,
  architecture: string,
  log: Logger,
): Promise<PushedStage> {
  const { tag, destination } = stageDestination(job, install.name, repository, architecture);
  await commitToRegistry(job, container, destination, log);
  return await readPushed(job, repository, tag, destination);
}

/** Where an install stage named `name` is pushed: a tag of its own that retention prunes like the images'. */
function stageDestination(
  job: Job,
  name: string,
  repository: string,
  architecture: string,
): { readonly hash: string; readonly tag: string; readonly destination: string } {
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 32);
  const tag = `install-${architecture}-${hash}`;
  return { hash, tag, destination: `${job.config.registry.hostPort}/${repository}:${tag}` };
}

async function readPushed(job: Job, repository: string, reference: string, destination: string): Promise<PushedStage> {
  const found = await job.registry.manifest(repository, reference);
  if (found === undefined) throw new Error(`the install stage pushed as ${destination} is not in the registry`);
  const manifest = JSON.parse(found.body.toString('utf8')) as ImageManifest;
  const config = JSON.parse((await job.registry.blob(repository, manifest.config.digest)).toString('utf8'));
  return { repository, manifest, config: config as ImageConfig };
}
