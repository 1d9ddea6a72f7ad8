// Whether the registry already holds an image made by this builder for the same request: skip-if-built.

import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { RegistryError, type RemoteImage } from '../tools/registry-api.js';
import { LABELS } from './labels.js';

/** What the images of a request carry: the builder version, the model flavor and the platforms. */
export interface WantedLabels {
  /** The flavor the request names; `'any'` when the image's content decides it (a trained model's). */
  readonly mlModelFlavor: string | undefined | 'any';
  readonly platforms: readonly string[];
  /** Further labels the image must carry with exactly these values (a trainer's --entry). */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Checks that the registry answers and takes our credentials, then returns each `repository:tag` that exists with
 * labels matching this builder and request (undefined for the others); with --force, none is looked up.
 */
export async function findCurrentImages(
  job: Job,
  repositories: readonly string[],
  tag: string,
  wanted: WantedLabels,
): Promise<(RemoteImage | undefined)[]> {
  try {
    await job.registry.ping();
    if (job.config.force) return repositories.map(() => undefined);
    const found = await Promise.all(repositories.map((repository) => job.registry.findImage(repository, tag)));
    return found.map((image) =>
      image !== undefined && isCurrent(image, job.builderVersion, wanted) ? image : undefined,
    );
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const code = error.kind === 'auth' ? 'REGISTRY_AUTH_FAILED' : 'REGISTRY_UNREACHABLE';
    throw new PhaseError(code, `${error.message}. Check the registry URL and credentials before building.`, {
      cause: error,
    });
  }
}

/**
 * The manager tags images by commit (or run) alone: another flavor, platform list or builder version rebuilds, and
 * every requested platform must be there.
 */
function isCurrent(image: RemoteImage, builderVersion: string, wanted: WantedLabels): boolean {
  const labels = image.labels;
  return (
    labels[LABELS.builderVersion] === builderVersion &&
    (wanted.mlModelFlavor === 'any' || labels[LABELS.mlModelFlavor] === wanted.mlModelFlavor) &&
    (labels[LABELS.platforms] ?? '') === wanted.platforms.join(',') &&
    wanted.platforms.every((platform) => image.platforms.includes(platform)) &&
    Object.entries(wanted.labels ?? {}).every(([key, value]) => labels[key] === value)
  );
}
