// The imports phase's input, alike in every plan that builds a repo's code: what validate scanned, what inject laid
// out and the dependency images build made.

import type { ImageRole } from '../images/role-images.js';
import type { ImportSite } from '../imports/check-imports.js';
import type { BuildResult } from '../phases/build.js';
import type { ImportsInput } from '../phases/imports.js';
import { need } from './plan.js';

/** The parts of the earlier phases' results the import check reads. */
export interface ImportsSources {
  readonly validate?: {
    readonly importSites: readonly ImportSite[];
    readonly ownModules: readonly string[];
    readonly env: { readonly file: string };
  };
  readonly inject?: { readonly roles: readonly ImageRole[]; readonly contextDir: string };
  readonly build?: BuildResult;
}

export function importsInput(done: ImportsSources): ImportsInput {
  const { importSites, ownModules, env } = need(done.validate, 'validate');
  const { roles, contextDir } = need(done.inject, 'inject');
  return {
    sites: importSites,
    ownModules,
    envFile: env.file,
    depsImages: need(done.build, 'build').images,
    roles,
    contextDir,
  };
}
