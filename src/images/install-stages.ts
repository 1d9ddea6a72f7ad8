// The install stages of a dependency Containerfile: built first, each under its local tag, then named by image ID in
// a copy of the Containerfile that builds a role's image. The copy steps cannot name the tag: buildah 1.28 looks a
// tag up for the platform of the stage being built, and an install stage is the build platform's, not the target's;
// nor the stage: buildah 1.28 mounts a stage taken from its cache as that stage's base image.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../job.js';
import type { Logger } from '../report/logger.js';
import { buildImage } from './build-image.js';

/** A stage of the dependency Containerfile that installs on the build's platform, and the local tag it gets. */
export interface InstallStage {
  readonly target: string;
  readonly tag: string;
}

/** The Containerfile to build a role's image from, its install stages built; and their tags. */
export interface InstallStagesBuilt {
  readonly containerfile: string;
  readonly tags: readonly string[];
  /** The image ID of the last stage: the environment the role's image copies, and whose module list it carries. */
  readonly lastImageId: string | undefined;
}

/**
 * Builds `stages` in order and writes `<containerfile>` for `role` with their image IDs in place of their tags.
 * `built` maps the tags of stages already built by this job to their IDs (the aggregator shares the learner's
 * install stage): those are not built again, and the ones built now are added.
 */
export async function buildInstallStages(
  job: Job,
  build: { readonly contextDir: string; readonly containerfile: string },
  stages: readonly InstallStage[],
  role: string,
  built: Map<string, string>,
  log: Logger,
): Promise<InstallStagesBuilt> {
  if (stages.length === 0) return { containerfile: build.containerfile, tags: [], lastImageId: undefined };
  let text = await readFile(join(build.contextDir, build.containerfile), 'utf8');
  let lastImageId: string | undefined;
  for (const stage of stages) {
    let imageId = built.get(stage.tag);
    if (imageId === undefined) {
      imageId = (await buildImage(job, { ...build, tag: stage.tag, labels: {}, target: stage.target }, log)).imageId;
      built.set(stage.tag, imageId);
    }
    text = text.replaceAll(`from=${stage.tag},`, `from=${imageId},`);
    lastImageId = imageId;
  }
  const containerfile = build.containerfile.replace(/\.Containerfile$/, `-${role}.Containerfile`);
  await writeFile(join(build.contextDir, containerfile), text);
  return { containerfile, tags: stages.map((stage) => stage.tag), lastImageId };
}
