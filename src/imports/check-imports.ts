// The import check: every module the repo's code imports must be provided by each image that runs the code, or be
// the repo's own, or be imported so that the code runs without it. Pure: the phase gathers the inputs.

import { distributionFor, namedOtherwise } from './distribution-names.js';
import type { Providers } from './provided.js';

/** One import statement's top-level module, where it is (fl-templates/checks/check_repo.py's `import_sites`). */
export interface ImportSite {
  readonly module: string;
  /** Relative to the repo root. */
  readonly file: string;
  readonly line: number;
  /** In a try that handles ImportError, or under `if TYPE_CHECKING:` and the like: never refused. */
  readonly optional: boolean;
}

/** One image the code runs in: a name for messages (`learner`), and its modules (undefined: not known). */
export interface CheckedImage {
  readonly name: string;
  readonly providers: Providers | undefined;
}

/** A module nothing provides in some images, with every place that imports it. */
export interface Unprovided {
  readonly module: string;
  readonly sites: readonly ImportSite[];
  /** The images that lack it. */
  readonly images: readonly string[];
}

/** What the check found: each imported module and what provides it per image, and what nothing provides. */
export interface ImportCheck {
  /** Module → image name → provider (`the repo`, `numpy 1.26.4`, `not provided`; `optional` when not provided). */
  readonly provided: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly unprovided: readonly Unprovided[];
  /** Images whose modules were not known, so not checked. */
  readonly unchecked: readonly string[];
}

/** Checks every import site against every image; the repo's own modules are provided everywhere. */
export function checkImports(
  sites: readonly ImportSite[],
  ownModules: readonly string[],
  images: readonly CheckedImage[],
): ImportCheck {
  const own = new Set(ownModules);
  const modules = [...new Set(sites.map((site) => site.module))].sort();
  const known = images.filter((image) => image.providers !== undefined);
  const provided: Record<string, Record<string, string>> = {};
  const unprovided: Unprovided[] = [];
  for (const module of modules) {
    const here = sites.filter((site) => site.module === module);
    const required = here.filter((site) => !site.optional);
    const byImage: Record<string, string> = {};
    const lacking: string[] = [];
    for (const image of known) {
      const by = own.has(module) ? 'the repo' : image.providers?.get(module);
      if (by === undefined) lacking.push(image.name);
      byImage[image.name] = by ?? (required.length === 0 ? 'not provided (optional)' : 'not provided');
    }
    provided[module] = byImage;
    if (lacking.length > 0 && required.length > 0) unprovided.push({ module, sites: required, images: lacking });
  }
  return {
    provided,
    unprovided,
    unchecked: images.filter((image) => image.providers === undefined).map((i) => i.name),
  };
}

/** The refusal's message: each module, where it is imported, and what to add to the environment file. */
export function unprovidedMessage(found: readonly Unprovided[], envFile: string, allImages: readonly string[]): string {
  const parts = found.map((item) => {
    const [first] = item.sites;
    const more = item.sites.length > 1 ? ` and ${item.sites.length - 1} more` : '';
    const where = first ? `${first.file} line ${first.line}${more}` : '';
    const which = item.images.length === allImages.length ? '' : `, missing in the ${item.images.join(' and ')} image`;
    const add = namedOtherwise(item.module)
      ? `add ${distributionFor(item.module)} (the distribution that provides ${item.module})`
      : `add ${distributionFor(item.module)}`;
    return `${item.module} (imported at ${where}${which}): ${add}`;
  });
  const what =
    found.length === 1
      ? 'an import that nothing in the images provides'
      : 'imports that nothing in the images provides';
  return `${what}, so the code would fail with ModuleNotFoundError at start-up: ${parts.join('; ')}; list each in ${envFile}, or, if the code runs without it, import it inside try/except ImportError`;
}
