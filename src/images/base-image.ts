// The base image of each requested platform, pinned by digest, looked up in its registry before anything is built.

import { PhaseError } from '../errors.js';
import type { Job } from '../job.js';
import { RegistryClient, RegistryError } from '../tools/registry-api.js';
import { type ImageRef, parseImageRef, pinnedRef } from './image-ref.js';

/** The base of one platform: the reference a Containerfile pins, and its digest. */
export interface PinnedBase {
  readonly platform: string;
  readonly ref: string;
  readonly digest: string;
}

/**
 * Finds the base image's manifest for every platform; a base that lacks one of them, or cannot be found, fails
 * here, naming it, before any build step.
 */
export async function pinBase(job: Job, base: string, platforms: readonly string[]): Promise<PinnedBase[]> {
  const ref = parseImageRef(base);
  if (ref === undefined) throw new PhaseError('TEMPLATE_FAILED', `"${base}" is not an image reference`);
  const client = clientFor(job, ref);
  try {
    const pinned: PinnedBase[] = [];
    for (const platform of platforms) {
      const image = await client.platformImage(ref.repository, ref.reference, platform);
      if (image === undefined) {
        const found = await client.manifest(ref.repository, ref.reference);
        throw new PhaseError(
          found === undefined ? 'BASE_IMAGE_MISSING' : 'PLATFORM_UNSUPPORTED',
          found === undefined
            ? `the base image ${base} was not found in its registry; check --base-image`
            : `the base image ${base} has no ${platform} image; use a base that offers every platform asked for (python:X.Y-slim does), or leave ${platform} out`,
        );
      }
      pinned.push({ platform, ref: pinnedRef(ref, image.digest), digest: image.digest });
    }
    return pinned;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    throw new PhaseError('BASE_IMAGE_MISSING', `cannot look up the base image ${base}: ${error.message}`, {
      cause: error,
    });
  } finally {
    if (client !== job.registry) await client.close().catch(() => undefined);
  }
}

/** The job's own registry client when the base is there (its credentials and TLS); else an anonymous one. */
export function clientFor(job: Job, ref: ImageRef): RegistryClient {
  if (ref.registry === job.config.registry.hostPort) return job.registry;
  return new RegistryClient(
    { hostPort: ref.apiHost, tls: true, apiBase: `https://${ref.apiHost}` },
    undefined,
    job.extraCa,
  );
}
