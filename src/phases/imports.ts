// Phase 7 of fl_actors: every module the repo's code imports is provided by each image that runs the code, checked
// against what the dependency images hold (read from their install, never by running the repo) before anything is
// pushed. Any plan whose images run the repo's code can run it after its build.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PhaseError } from '../errors.js';
import type { DepsImage } from '../images/deps-build.js';
import { type ImageRole, ROLE_IMAGES } from '../images/role-images.js';
import {
  type CheckedImage,
  checkImports,
  type ImportCheck,
  type ImportSite,
  unprovidedMessage,
} from '../imports/check-imports.js';
import { imageProviders, runtimeModules } from '../imports/provided.js';
import type { Logger } from '../report/logger.js';
import type { PhaseBehaviour } from './phase.js';

/** Each imported module and what provides it in each image; the images whose modules were not known. */
export type ImportsResult = ImportCheck;

/** What the check reads: the repo's imports (validate), the images (build) and the rendered context (inject). */
export interface ImportsInput {
  readonly sites: readonly ImportSite[];
  readonly ownModules: readonly string[];
  /** The repo's environment file, named in the message. */
  readonly envFile: string;
  readonly roles: readonly ImageRole[];
  readonly depsImages: readonly DepsImage[];
  readonly contextDir: string;
}

/** Where the rendered context holds the repo the learner and aggregator get. */
const REPO_CONTENT = ROLE_IMAGES.learner.content.from;

export const importsPhase: PhaseBehaviour<ImportsResult> = {
  failureCode: 'INTERNAL',
  describe: (result) => {
    const modules = Object.keys(result.provided);
    const left = result.unchecked.length > 0 ? `; not checked (no module list): ${result.unchecked.join(', ')}` : '';
    return {
      summary: `${modules.length} imported modules, each provided in every image or optional${left}${installedPart(result)}`,
      imports: result.provided,
      ...(result.unchecked.length > 0 ? { not_checked: result.unchecked } : {}),
    };
  },
};

/** Checks the imports in every image of every platform; a module nothing provides fails with IMPORT_NOT_PROVIDED. */
export async function checkRepoImports(input: ImportsInput, log: Logger): Promise<ImportsResult> {
  const platforms = new Set(input.depsImages.map((image) => image.platform.platform));
  const images: CheckedImage[] = input.roles.flatMap((role) => {
    const runtime = runtimeModules(role, input.contextDir);
    return input.depsImages
      .filter((image) => image.role === ROLE_IMAGES[role].deps)
      .map((image) => ({
        name: platforms.size > 1 ? `${role} ${image.platform.platform}` : role,
        providers: image.modules === undefined ? undefined : imageProviders(image.modules, runtime),
      }));
  });
  // Only the files the images get: what .dockerignore excludes (tests, scripts) is never imported there.
  const copied = input.sites.filter((site) => existsSync(join(input.contextDir, REPO_CONTENT, site.file)));
  const result = checkImports(copied, input.ownModules, images);
  if (result.unchecked.length > 0) {
    log.warn({ images: result.unchecked }, 'Dependency images without a module list: their imports are not checked');
  }
  if (result.unprovided.length > 0) {
    const names = images.map((image) => image.name);
    throw new PhaseError('IMPORT_NOT_PROVIDED', unprovidedMessage(result.unprovided, input.envFile, names));
  }
  return result;
}

/** `: numpy by numpy 1.26.4, mlflow by the learner's stand-in / mlflow 2.22.5`: what the installed packages provide. */
function installedPart(result: ImportsResult): string {
  const own = /^(python \d|the repo$|the FLOps runtime$|not provided)/;
  const named = Object.entries(result.provided).flatMap(([module, byImage]) => {
    const by = [...new Set(Object.values(byImage))];
    return by.every((what) => own.test(what)) ? [] : [`${module} by ${by.join(' / ')}`];
  });
  return named.length > 0 ? `: ${named.join(', ')}` : '';
}
