// What one image lets the repo's code import, module by module, and what provides each: the python's standard
// library, the installed distributions, and the FL runtime the builder places on the image's PYTHONPATH.

import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { InstalledModules } from '../images/installed-modules.js';
import { type ImageRole, REPO_DIR, ROLE_IMAGES } from '../images/role-images.js';

/** Top-level module → what provides it (`numpy 1.26.4`, `python 3.11.2`, `the FLOps runtime`). */
export type Providers = ReadonlyMap<string, string>;

/**
 * The runtime folders the role places on its PYTHONPATH, by module: a placement at a PYTHONPATH entry (the learner's
 * stand-ins) gives every folder and file in it, one below an entry (`/opt/flops/lib/flops_utils`) its own name.
 * Read from the role's table and the rendered context, so a new runtime package or stand-in needs no list here.
 */
export function runtimeModules(role: ImageRole, contextDir: string): Map<string, string> {
  const image = ROLE_IMAGES[role];
  const path = (image.env.PYTHONPATH ?? '').split(':').filter((entry) => entry !== '' && entry !== REPO_DIR);
  const found = new Map<string, string>();
  for (const placement of image.runtime) {
    if (path.includes(placement.to)) {
      const what = basename(placement.to) === 'stand-ins' ? `the ${role}'s stand-in` : 'the FLOps runtime';
      for (const entry of readdirSync(join(contextDir, placement.from))) {
        const name = entry.replace(/\.py$/, '');
        if (/^[A-Za-z_]\w*$/.test(name) && name !== '__pycache__') found.set(name, what);
      }
    } else if (path.includes(dirname(placement.to))) {
      found.set(basename(placement.to), 'the FLOps runtime');
    }
  }
  return found;
}

/** Every module the image provides; the runtime comes first, as it does on the image's PYTHONPATH. */
export function imageProviders(installed: InstalledModules, runtime: ReadonlyMap<string, string>): Providers {
  const providers = new Map<string, string>();
  for (const name of installed.stdlib) providers.set(name, `python ${installed.python}`);
  for (const name of installed.unowned) providers.set(name, 'site-packages');
  // Several distributions may install the same folder (mlflow and mlflow-skinny): each is named.
  const installedBy = new Map<string, string[]>();
  for (const item of installed.distributions) {
    for (const name of item.modules)
      installedBy.set(name, [...(installedBy.get(name) ?? []), `${item.name} ${item.version}`.trim()]);
  }
  for (const [name, by] of installedBy) providers.set(name, by.join(', '));
  for (const [name, what] of runtime) providers.set(name, what);
  return providers;
}
