// A SIF stored in the registry as `apptainer push <file> oras://<ref>` stores one: an OCI manifest whose config is
// Sylabs' SIF config and whose one layer is the file, named by its title annotation.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type ImageManifest, MEDIA_TYPES } from '../tables/oci.js';
import type { RegistryClient } from '../tools/registry-api.js';
import type { ImageRole } from './role-images.js';

/** The media types Apptainer's ORAS push and pull use. */
export const SIF_MEDIA_TYPES = Object.freeze({
  config: 'application/vnd.sylabs.sif.config.v1+json',
  layer: 'application/vnd.sylabs.sif.layer.v1.sif',
});

/** The annotation that names the layer's file; `apptainer pull` saves the SIF under it. */
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

/** One image's SIF for one platform, and where it goes. */
export interface SifFile {
  readonly role: ImageRole;
  readonly platform: string;
  /** The file's name, as the layer's title (`learner-amd64.sif`). */
  readonly name: string;
  readonly file: string;
  readonly size: number;
  readonly repository: string;
  readonly tag: string;
}

/** `<tag>-sif`, or `<tag>-sif-<arch>` when the image has several platforms. */
export function sifTag(tag: string, architecture: string, several: boolean): string {
  return several ? `${tag}-sif-${architecture}` : `${tag}-sif`;
}

/** The manifest of a SIF artifact; its config is an empty JSON object, as Apptainer's. */
export function sifManifest(
  config: { digest: string; size: number },
  layer: { digest: string; size: number; name: string },
): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: SIF_MEDIA_TYPES.config, digest: config.digest, size: config.size },
    layers: [
      {
        mediaType: SIF_MEDIA_TYPES.layer,
        digest: layer.digest,
        size: layer.size,
        annotations: { [TITLE_ANNOTATION]: layer.name },
      },
    ],
  };
}

/** Uploads the SIF and its config, and tags the manifest; returns the manifest's digest. */
export async function pushSif(registry: RegistryClient, sif: SifFile): Promise<string> {
  const config = Buffer.from('{}');
  const configDigest = sha256(config);
  await registry.uploadBlob(sif.repository, configDigest, config);
  const digest = await fileDigest(sif.file);
  await registry.uploadBlob(sif.repository, digest, sif.file);
  const manifest = sifManifest(
    { digest: configDigest, size: config.length },
    { digest, size: sif.size, name: sif.name },
  );
  return registry.putManifest(sif.repository, sif.tag, MEDIA_TYPES.manifest, Buffer.from(JSON.stringify(manifest)));
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}
