// Dependency images assembled in the registry, as the code images are: the target platform's base, then the top
// layer of each install stage (the environment; the aggregator's own packages). The install stages run on the build's
// platform for every target (uv installs the target's wheels), so an image is never built on its platform, nothing is
// copied into a second stage, and each layer is compressed and uploaded once, by `buildah push` of its stage.

import type { Descriptor, ImageConfig, ImageManifest } from '../tables/oci.js';
import type { RegistryClient } from '../tools/registry-api.js';
import { putImage } from './put-image.js';

/** An install stage as its push left it in the registry: its manifest and config. */
export interface PushedStage {
  readonly repository: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** One layer of a pushed image, with what an image config says of it. */
export interface StageLayer {
  readonly descriptor: Descriptor;
  readonly diffId: string;
  readonly createdBy: string;
}

/** The environment the target stages set before images were assembled: the venv first on PATH, Flower quiet. */
export const DEPS_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: '/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  FLWR_TELEMETRY_ENABLED: '0',
  PYTHONUNBUFFERED: '1',
});

/** The stage's top layer: the step the stage ends with, whose layer holds only what that step changed. */
export function topLayer(stage: PushedStage): StageLayer {
  const descriptor = stage.manifest.layers.at(-1);
  const diffId = stage.config.rootfs.diff_ids.at(-1);
  if (descriptor === undefined || diffId === undefined) throw new Error('an install stage without layers');
  const steps = (stage.config.history ?? []).filter((entry) => entry.empty_layer !== true);
  return { descriptor, diffId, createdBy: steps.at(-1)?.created_by ?? 'flops-image-builder: install stage' };
}

/** The base of one target platform, read from its registry. */
export interface TargetBase {
  readonly client: RegistryClient;
  readonly repository: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** What one dependency image is made of. */
export interface DepsAssembly {
  /** The dependency repository, in the job's registry. */
  readonly repository: string;
  readonly base: TargetBase;
  /** The install stage images: the first holds the base layers of the build's platform, each adds its top layer. */
  readonly stages: readonly PushedStage[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: Date;
}

/**
 * Makes every base layer a blob of the dependency repository and stores the image's manifest by digest (untagged:
 * the caller tags it once it is checked). A base layer the stages pushed already (the build's own platform: the same
 * diff_id at the same place) is taken from there; another is mounted from the base's repository when the base is in
 * the same registry, and copied otherwise. Returns the manifest's digest and bytes.
 */
export async function assembleDeps(
  registry: RegistryClient,
  assembly: DepsAssembly,
): Promise<{ readonly digest: string; readonly body: Buffer }> {
  const { base, repository } = assembly;
  const [first] = assembly.stages;
  if (first === undefined) throw new Error('a dependency image without install stages');
  const baseLayers: Descriptor[] = [];
  for (const [index, layer] of base.manifest.layers.entries()) {
    const diffId = base.config.rootfs.diff_ids[index];
    const pushed = first.config.rootfs.diff_ids[index] === diffId ? first.manifest.layers[index] : undefined;
    if (pushed !== undefined) {
      baseLayers.push(pushed);
      continue;
    }
    baseLayers.push(layer);
    if (await registry.hasBlob(repository, layer.digest)) continue;
    if (base.client === registry && (await registry.mountBlob(repository, layer.digest, base.repository))) continue;
    await registry.uploadBlob(repository, layer.digest, await base.client.blob(base.repository, layer.digest));
  }
  const own = assembly.stages.map(topLayer);
  const config = depsConfig(base.config, own, assembly.labels, assembly.created);
  return await putImage(registry, repository, config, [...baseLayers, ...own.map((layer) => layer.descriptor)]);
}

/** The base's config with the stages' layers, the dependency environment and the labels. */
export function depsConfig(
  base: ImageConfig,
  layers: readonly StageLayer[],
  labels: Readonly<Record<string, string>>,
  created: Date,
): ImageConfig {
  const env = new Map((base.config?.Env ?? []).map((line) => [line.split('=')[0] ?? '', line] as const));
  for (const [name, value] of Object.entries(DEPS_ENV)) env.set(name, `${name}=${value}`);
  return {
    ...base,
    created: created.toISOString(),
    config: { ...base.config, Env: [...env.values()], Labels: { ...(base.config?.Labels ?? {}), ...labels } },
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...layers.map((layer) => layer.diffId)] },
    history: [
      ...(base.history ?? []),
      ...layers.map((layer) => ({ created: created.toISOString(), created_by: layer.createdBy })),
    ],
  };
}
