// assembleDeps against a fake registry (the boundary), and the config it writes.

import { describe, expect, it } from 'vitest';
import { assembleDeps, DEPS_ENV, depsConfig, type PushedStage, topLayer } from '../../../src/images/deps-assembly.js';
import type { ImageConfig, ImageManifest } from '../../../src/tables/oci.js';
import type { RegistryClient } from '../../../src/tools/registry-api.js';

const layer = (digest: string) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 1 });
const manifest = (...digests: string[]): ImageManifest => ({
  schemaVersion: 2,
  config: layer('sha256:cfg'),
  layers: digests.map(layer),
});
const config = (diffIds: string[], history: { created_by: string; empty_layer?: boolean }[] = []): ImageConfig => ({
  architecture: 'arm64',
  os: 'linux',
  config: { Env: ['PATH=/usr/bin', 'LANG=C.UTF-8'], Labels: { base: 'yes' } },
  rootfs: { type: 'layers', diff_ids: diffIds },
  history,
});

/** The host's install stage (base b1, then the locks c1, then the environment e1) and the aggregator's (a1). */
const INSTALL: PushedStage = {
  repository: 'p/flops-deps',
  manifest: manifest('sha256:hb1', 'sha256:hc1', 'sha256:he1'),
  config: config(
    ['sha256:db1', 'sha256:dc1', 'sha256:de1'],
    [
      { created_by: 'base' },
      { created_by: 'COPY locks' },
      { created_by: 'ENV X', empty_layer: true },
      { created_by: 'RUN uv venv' },
    ],
  ),
};
const AGGREGATOR: PushedStage = {
  repository: 'p/flops-deps',
  manifest: manifest('sha256:hb1', 'sha256:hc1', 'sha256:he1', 'sha256:ha1'),
  config: config(['sha256:db1', 'sha256:dc1', 'sha256:de1', 'sha256:da1'], [{ created_by: 'RUN extras' }]),
};

/** A registry that records what it was asked; `held` are the blobs the dependency repository has. */
function fakeRegistry(held: string[]) {
  const calls: string[] = [];
  const manifests = new Map<string, Buffer>();
  const client = {
    hasBlob: async (_repository: string, digest: string) => held.includes(digest),
    mountBlob: async (_repository: string, digest: string, from: string) => {
      calls.push(`mount ${digest} from ${from}`);
      return true;
    },
    uploadBlob: async (_repository: string, digest: string, body: Buffer) => {
      calls.push(`upload ${digest}`);
      manifests.set(digest, body);
    },
    blob: async (_repository: string, digest: string) => Buffer.from(`bytes of ${digest}`),
    putManifest: async (_repository: string, reference: string, _type: string, body: Buffer) => {
      manifests.set(reference, body);
      return reference;
    },
  };
  return { client: client as unknown as RegistryClient, calls, manifests };
}

describe('assembleDeps', () => {
  it("takes the build platform's base layers from the pushed stage, and adds each stage's top layer", async () => {
    const { client, calls, manifests } = fakeRegistry([]);
    const base = {
      client,
      repository: 'library/python',
      manifest: manifest('sha256:b1'),
      config: config(['sha256:db1']),
    };
    const { digest } = await assembleDeps(client, {
      repository: 'p/flops-deps',
      base,
      stages: [INSTALL, AGGREGATOR],
      labels: { own: 'label' },
      created: new Date(0),
    });
    const written = JSON.parse(manifests.get(digest)?.toString('utf8') ?? '{}') as ImageManifest;
    expect(written.layers.map((item) => item.digest)).toEqual(['sha256:hb1', 'sha256:he1', 'sha256:ha1']);
    expect(calls.filter((call) => call.startsWith('mount'))).toEqual([]);
    const configBody = manifests.get(written.config.digest)?.toString('utf8') ?? '{}';
    expect((JSON.parse(configBody) as ImageConfig).rootfs.diff_ids).toEqual(['sha256:db1', 'sha256:de1', 'sha256:da1']);
  });

  it("mounts another platform's base layers from the base's repository, or copies them from another registry", async () => {
    const same = fakeRegistry(['sha256:b1']);
    const base = (client: RegistryClient) => ({
      client,
      repository: 'library/python',
      manifest: manifest('sha256:b1', 'sha256:b2'),
      config: config(['sha256:arm1', 'sha256:arm2']),
    });
    const assembly = { repository: 'p/flops-deps', stages: [INSTALL], labels: {}, created: new Date(0) };
    await assembleDeps(same.client, { ...assembly, base: base(same.client) });
    expect(same.calls.filter((call) => /sha256:b\d\b/.test(call))).toEqual(['mount sha256:b2 from library/python']);
    const target = fakeRegistry([]);
    const elsewhere = fakeRegistry([]);
    await assembleDeps(target.client, { ...assembly, base: base(elsewhere.client) });
    expect(target.calls.slice(0, 2)).toEqual(['upload sha256:b1', 'upload sha256:b2']);
    expect(target.manifests.get('sha256:b2')?.toString()).toBe('bytes of sha256:b2');
  });
});

describe('depsConfig', () => {
  it("keeps the base's config and history, sets the environment, adds the labels and the stages' layers", () => {
    const made = depsConfig(
      config(['sha256:arm1'], [{ created_by: 'base' }]),
      [topLayer(INSTALL)],
      { a: 'b' },
      new Date(0),
    );
    expect(made.architecture).toBe('arm64');
    expect(made.config?.Env).toEqual([
      `PATH=${DEPS_ENV.PATH}`,
      'LANG=C.UTF-8',
      'FLWR_TELEMETRY_ENABLED=0',
      'PYTHONUNBUFFERED=1',
    ]);
    expect(made.config?.Labels).toEqual({ base: 'yes', a: 'b' });
    expect(made.rootfs.diff_ids).toEqual(['sha256:arm1', 'sha256:de1']);
    expect(made.history?.map((entry) => entry.created_by)).toEqual(['base', 'RUN uv venv']);
  });
});
