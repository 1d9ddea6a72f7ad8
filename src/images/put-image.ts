// Writes an image's config and manifest to a registry, stored by digest: the last step of every image the builder
// assembles in the registry (dependency images and code images alike), once its layers are there.

import { createHash } from 'node:crypto';
import { type Descriptor, type ImageConfig, type ImageManifest, MEDIA_TYPES } from '../tables/oci.js';
import type { RegistryClient } from '../tools/registry-api.js';

/** A manifest as stored: its digest and the exact bytes the digest is of. */
export interface PutManifest {
  readonly digest: string;
  readonly body: Buffer;
}

/** Uploads `config`, then stores the manifest of `config` and `layers` in `repository` by its digest. */
export async function putImage(
  registry: RegistryClient,
  repository: string,
  config: ImageConfig,
  layers: readonly Descriptor[],
): Promise<PutManifest> {
  const configBody = Buffer.from(JSON.stringify(config));
  const configDigest = sha256(configBody);
  await registry.uploadBlob(repository, configDigest, configBody);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: configBody.length },
    layers: [...layers],
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(body);
  await registry.putManifest(repository, digest, MEDIA_TYPES.manifest, body);
  return { digest, body };
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}
