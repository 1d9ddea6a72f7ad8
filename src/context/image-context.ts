// The build context every plan renders: the FL runtime, the dependency Containerfiles and locks, and the
// Containerfile of each image, for the images of every requested platform.

import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DependencyPlan } from '../deps/plan/plan.js';
import { pinBase } from '../images/base-image.js';
import type { DepsPlatform } from '../images/deps-build.js';
import type { DepsRole } from '../images/deps-image.js';
import { type ImageRole, ROLE_IMAGES } from '../images/role-images.js';
import type { Job } from '../job.js';
import { TEMPLATES_DIR } from '../paths.js';
import { hostPlatform, platformNames } from '../platforms.js';
import type { PlatformLock } from '../resolve/platform-lock.js';
import { toolEnvironment } from '../resolve/tool-env.js';
import { writeDepsContext } from './deps-context.js';
import { roleContainerfile } from './role-containerfile.js';

/** A rendered context: where it is, each platform's dependency images, and the images built on them. */
export interface ImageContext {
  readonly contextDir: string;
  readonly depsRepository: string;
  readonly deps: readonly DepsPlatform[];
  readonly roles: readonly ImageRole[];
  /** Environment each image gets after its dependency layers (ML_MODEL_FLAVOR). */
  readonly env: Readonly<Record<string, string>>;
}

/** What to render besides the repo or model (which the plan's inject copies into `contextDir` first). */
export interface ImageContextInput {
  readonly contextDir: string;
  readonly plan: DependencyPlan;
  readonly locks: readonly PlatformLock[] | undefined;
  readonly roles: readonly ImageRole[];
  readonly depsRepository: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Renders the context; a base image without a requested platform fails here, before any build step. */
export async function writeImageContext(job: Job, input: ImageContextInput): Promise<ImageContext> {
  const { contextDir, plan } = input;
  await cp(join(TEMPLATES_DIR, 'runtime'), join(contextDir, 'flops'), {
    recursive: true,
    filter: (source) => !/(__pycache__|\.pyc$|[\\/]tests?([\\/]|$))/.test(source.slice(TEMPLATES_DIR.length)),
  });
  const host = hostPlatform().platform;
  const platforms = [...new Set([...platformNames(job.config.platforms), host])];
  // A dry run contacts no registry: its Containerfiles name the base by tag, where a build pins its digest.
  const bases = job.config.dryRun
    ? platforms.map((platform) => ({ platform, ref: plan.baseImage, digest: 'unpinned (dry run)' }))
    : await pinBase(job, plan.baseImage, platforms);
  const roles = [...new Set(input.roles.map((role): DepsRole => ROLE_IMAGES[role].deps))];
  const deps = await writeDepsContext(job, contextDir, { plan, locks: input.locks, roles, bases, uv: await uvOf(job) });
  for (const platform of deps) {
    for (const role of input.roles) {
      const tag = platform.tags[ROLE_IMAGES[role].deps];
      const depsImage = `${job.config.registry.hostPort}/${input.depsRepository}:${tag}`;
      const text = await roleContainerfile(role, depsImage, input.env);
      await writeFile(join(contextDir, `${role}-${platform.platform.architecture}.Containerfile`), text);
    }
  }
  return { contextDir, depsRepository: input.depsRepository, deps, roles: input.roles, env: input.env };
}

/** The uv of the builder's tool environment (made now if --skip-resolve skipped the phase that makes it). */
async function uvOf(job: Job): Promise<string> {
  const failure = { code: 'TEMPLATE_FAILED', advice: '' } as const;
  const tools = await toolEnvironment(job, failure, job.log);
  return tools.venv.uv;
}
