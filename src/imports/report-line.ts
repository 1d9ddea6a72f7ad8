// The imports phase's finding as one line of an image's patch report: each module the repo's code imports and what
// provides it in that image, so the image itself says which distribution serves each import.

import type { ImportCheck } from './check-imports.js';

/**
 * The one line `imports: numpy from numpy 1.26.4, helpers from the repo, os from python 3.11.2` for the images of
 * `role` (`learner`, or `learner linux/arm64` when several platforms; providers that differ joined with ` / `); no
 * line when the code imports nothing or the role's images were not checked.
 */
export function importsReportLines(check: ImportCheck | undefined, role: string): string[] {
  if (check === undefined) return [];
  const parts = Object.entries(check.provided).flatMap(([module, byImage]) => {
    const providers = Object.entries(byImage)
      .filter(([image]) => image === role || image.startsWith(`${role} `))
      .map(([, provider]) => provider);
    const distinct = [...new Set(providers)];
    return distinct.length === 0 ? [] : [`${module} from ${distinct.join(' / ')}`];
  });
  return parts.length === 0 ? [] : [`imports: ${parts.join(', ')}`];
}
