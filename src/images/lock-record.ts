// A lock kept in the registry: a small image manifest without layers whose config's labels hold the locks a build
// made, tagged by the hash of their inputs. A fresh builder with the same inputs reads it instead of resolving.
// (Labels on the dependency image would need the lock on buildah's command line, which caps one argument at 128 KiB.)

import { createHash } from 'node:crypto';
import { MEDIA_TYPES } from '../tables/oci.js';
import type { RegistryClient } from '../tools/registry-api.js';

/** Writes the record under `tag`; `labels` hold the locks. */
export async function writeLockRecord(
  registry: RegistryClient,
  repository: string,
  tag: string,
  platform: string,
  labels: Readonly<Record<string, string>>,
): Promise<void> {
  const [os = 'linux', architecture = ''] = platform.split('/');
  const config = Buffer.from(
    // `created` orders the records for retention (deps-retention.ts).
    JSON.stringify({
      architecture,
      os,
      created: new Date().toISOString(),
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  await registry.uploadBlob(repository, configDigest, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: configDigest, size: config.length },
    layers: [],
  };
  await registry.putManifest(repository, tag, MEDIA_TYPES.manifest, Buffer.from(JSON.stringify(manifest)));
}
