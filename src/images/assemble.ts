// Assembles an image in the registry from its dependency image and the layers the builder wrote, without pulling
// anything: the dependency image's blobs are mounted into the image's repository, only new layers travel.

import { type Descriptor, type ImageConfig, type ImageIndex, MEDIA_TYPES } from '../tables/oci.js';
import type { RegistryClient } from '../tools/registry-api.js';
import type { WrittenLayer } from './layer.js';
import { putImage } from './put-image.js';
import type { RoleImage } from './role-images.js';

/** Where an image goes. */
export interface ImageTarget {
  /** Repository path without the registry: `alice/mnist/learner`. */
  readonly repository: string;
  readonly tag: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What the new image adds to its dependency image's config. */
export interface ConfigChanges {
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly user: string;
  readonly entrypoint: readonly string[];
  readonly exposedPorts: readonly string[];
}

/** One platform's image to assemble. */
export interface Assembly {
  readonly platform: string;
  /** The dependency image: its repository and tag in the same registry. */
  readonly depsRepository: string;
  readonly depsTag: string;
  readonly layers: readonly WrittenLayer[];
  readonly changes: ConfigChanges;
  readonly created: Date;
}

/** Assembles the image in `repository` (stored by digest) and returns its descriptor, platform included. */
export async function assemble(registry: RegistryClient, repository: string, assembly: Assembly): Promise<Descriptor> {
  const deps = await registry.platformImage(assembly.depsRepository, assembly.depsTag, assembly.platform);
  if (deps === undefined) {
    throw new Error(
      `the dependency image ${assembly.depsRepository}:${assembly.depsTag} has no ${assembly.platform} image`,
    );
  }
  for (const layer of deps.manifest.layers) {
    if (await registry.hasBlob(repository, layer.digest)) continue;
    if (await registry.mountBlob(repository, layer.digest, assembly.depsRepository)) continue;
    // A registry that does not mount across repositories gets the bytes again.
    await registry.uploadBlob(repository, layer.digest, await registry.blob(assembly.depsRepository, layer.digest));
  }
  for (const layer of assembly.layers) await registry.uploadBlob(repository, layer.digest, layer.file);

  const config = nextConfig(deps.config, assembly);
  const { digest, body } = await putImage(registry, repository, config, [
    ...deps.manifest.layers,
    ...assembly.layers.map((layer) => ({ mediaType: MEDIA_TYPES.layer, digest: layer.digest, size: layer.size })),
  ]);
  const [os = 'linux', architecture = '', variant] = assembly.platform.split('/');
  return {
    mediaType: MEDIA_TYPES.manifest,
    digest,
    size: body.length,
    platform: { os, architecture, ...(variant ? { variant } : {}) },
  };
}

/**
 * Tags the images of one role: one platform's manifest as it is, several behind an OCI image index. Returns the
 * tag's digest.
 */
export async function tagImages(
  registry: RegistryClient,
  repository: string,
  tag: string,
  images: readonly Descriptor[],
): Promise<string> {
  const [only] = images;
  if (images.length === 1 && only !== undefined) {
    const manifest = await registry.manifest(repository, only.digest);
    if (manifest === undefined) throw new Error(`${repository}@${only.digest} vanished before it was tagged`);
    return registry.putManifest(repository, tag, MEDIA_TYPES.manifest, manifest.body);
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: images };
  return registry.putManifest(repository, tag, MEDIA_TYPES.index, Buffer.from(JSON.stringify(index)));
}

/** What an image of `image`'s role changes in its dependency image's config. */
export function roleChanges(
  image: RoleImage,
  env: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): ConfigChanges {
  return {
    env: { ...image.env, ...env },
    labels,
    workingDir: image.workingDir,
    user: image.user,
    entrypoint: image.entrypoint,
    exposedPorts: image.exposedPorts,
  };
}

/** The dependency image's config with the new layers, environment, labels and entrypoint. */
export function nextConfig(base: ImageConfig, assembly: Pick<Assembly, 'changes' | 'layers' | 'created'>): ImageConfig {
  const { changes } = assembly;
  const created = assembly.created.toISOString();
  const env = new Map((base.config?.Env ?? []).map((line) => [line.split('=')[0] ?? '', line] as const));
  for (const [name, value] of Object.entries(changes.env)) env.set(name, `${name}=${value}`);
  return {
    ...base,
    created,
    config: {
      ...base.config,
      User: changes.user,
      Env: [...env.values()],
      Entrypoint: [...changes.entrypoint],
      Cmd: null,
      WorkingDir: changes.workingDir,
      Labels: { ...inherited(base.config?.Labels ?? {}), ...changes.labels },
      ExposedPorts: Object.fromEntries(changes.exposedPorts.map((port) => [port, {}])),
    },
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...assembly.layers.map((layer) => layer.diffId)] },
    history: [
      ...(base.history ?? []),
      ...assembly.layers.map((layer) => ({ created, created_by: `flops-image-builder: ${layer.comment}` })),
    ],
  };
}

/** The dependency image's labels but its locks (an image names its lock by digest instead). */
function inherited(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !key.startsWith('io.flops.deps.')));
}
