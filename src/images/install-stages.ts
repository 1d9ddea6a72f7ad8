// The install stages of a dependency Containerfile: built on the build's platform, each under its local tag, and the
// ones that make an image's layers pushed to the dependency repository, once per job each (the aggregator shares the
// learner's environment stage).

import { createHash } from 'node:crypto';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import type { ImageConfig, ImageManifest } from '../tables/oci.js';
import { buildImage } from './build-image.js';
import type { PushedStage } from './deps-assembly.js';
import { pushImage } from './push-image.js';

/** A stage of the dependency Containerfile that runs on the build's platform, and the local tag it gets. */
export interface InstallStage {
  readonly target: string;
  readonly tag: string;
}

/** A role's install stages: each of `layers` adds one layer of its image (its top one); `modules` lists them. */
export interface RoleStages {
  readonly layers: readonly InstallStage[];
  readonly modules: InstallStage;
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
  const hash = createHash('sha256').update(stage.tag).digest('hex').slice(0, 32);
  const destination = `${job.config.registry.hostPort}/${repository}:install-${architecture}-${hash}`;
  const { digest } = await pushImage(job, stage.tag, `install-${hash}`, log, destination);
  const found = await job.registry.manifest(repository, digest);
  if (found === undefined) throw new Error(`the install stage pushed as ${destination} is not in the registry`);
  const manifest = JSON.parse(found.body.toString('utf8')) as ImageManifest;
  const config = JSON.parse((await job.registry.blob(repository, manifest.config.digest)).toString('utf8'));
  return { repository, manifest, config: config as ImageConfig };
}
