// buildStage and pushStage against a fake buildah and registry (the boundaries): each stage built and pushed once per
// job, pushed under a tag retention groups, and read back from the registry.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retentionGroup } from '../../../src/images/deps-retention.js';
import { buildStage, newStageCache, pushStage } from '../../../src/images/install-stages.js';
import type { Job } from '../../../src/job.js';

const INSTALL = { target: 'install', tag: 'localhost/flops-install:amd64-install-d1' };
const AGGREGATOR = { target: 'aggregator-install', tag: 'localhost/flops-install:amd64-aggregator-install-d1' };
const MANIFEST = { schemaVersion: 2, config: { digest: 'sha256:c' }, layers: [{ digest: 'sha256:l1' }] };
const CONFIG = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:d1'] } };

describe('install stages', () => {
  let dir: string;
  /** buildah's arguments, call by call. */
  let calls: string[][];
  let job: Job;
  const log = pino({ enabled: false });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'install-stages-'));
    calls = [];
    const runOr = async (_code: string, _what: string, args: readonly string[]) => {
      calls.push([...args]);
      if (args[0] === 'bud') {
        const target = args[args.indexOf('--target') + 1] ?? '';
        await writeFile(args[args.indexOf('--iidfile') + 1] ?? '', `sha256:id-of-${target}\n`);
      } else {
        await writeFile(args[args.indexOf('--digestfile') + 1] ?? '', `sha256:m-${calls.length}\n`);
      }
      return { stdout: '', stderr: '' };
    };
    job = {
      workdir: dir,
      signal: new AbortController().signal,
      config: { registry: { hostPort: 'r:5000', tls: false } },
      buildSecrets: { caFile: join(dir, 'ca'), envFile: join(dir, 'env') },
      registryAccess: { authFile: undefined, certDir: undefined },
      buildah: { runOr },
      registry: {
        manifest: async (_repository: string, digest: string) => ({
          digest,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          body: Buffer.from(JSON.stringify(MANIFEST)),
        }),
        blob: async () => Buffer.from(JSON.stringify(CONFIG)),
      },
    } as unknown as Job;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('builds each stage once per job, under its local tag, and returns its image ID', async () => {
    const build = { contextDir: dir, containerfile: 'deps-amd64.Containerfile' };
    const cache = newStageCache();
    expect(await buildStage(job, build, INSTALL, cache, log)).toBe('sha256:id-of-install');
    expect(await buildStage(job, build, INSTALL, cache, log)).toBe('sha256:id-of-install');
    expect(await buildStage(job, build, AGGREGATOR, cache, log)).toBe('sha256:id-of-aggregator-install');
    expect(calls.map((args) => args[args.indexOf('--tag') + 1])).toEqual([INSTALL.tag, AGGREGATOR.tag]);
    expect([...cache.ids.keys()]).toEqual([INSTALL.tag, AGGREGATOR.tag]);
  });

  it('pushes each stage once per job to the dependency repository, and reads its manifest and config back', async () => {
    const cache = newStageCache();
    const pushed = await pushStage(job, INSTALL, 'p/flops-deps', 'amd64', cache, log);
    expect(await pushStage(job, INSTALL, 'p/flops-deps', 'amd64', cache, log)).toBe(pushed);
    expect(pushed).toEqual({ repository: 'p/flops-deps', manifest: MANIFEST, config: CONFIG });
    expect(calls).toHaveLength(1);
    const [source, destination] = calls[0]?.slice(-2) ?? [];
    expect(source).toBe(INSTALL.tag);
    expect(destination).toMatch(/^docker:\/\/r:5000\/p\/flops-deps:install-amd64-[0-9a-f]{32}$/);
    // Pruned like the dependency images, never kept forever as an unknown tag.
    expect(retentionGroup(destination?.split(':').at(-1) ?? '')).toBe('install-amd64');
    await pushStage(job, AGGREGATOR, 'p/flops-deps', 'amd64', cache, log);
    expect(calls[1]?.at(-1)).not.toBe(destination);
  });

  it('builds and pushes a stage once when two images ask for it at the same time', async () => {
    const build = { contextDir: dir, containerfile: 'deps-amd64.Containerfile' };
    const cache = newStageCache();
    const ids = await Promise.all([
      buildStage(job, build, INSTALL, cache, log),
      buildStage(job, build, INSTALL, cache, log),
    ]);
    expect(ids).toEqual(['sha256:id-of-install', 'sha256:id-of-install']);
    const pushed = await Promise.all([
      pushStage(job, INSTALL, 'p/flops-deps', 'amd64', cache, log),
      pushStage(job, INSTALL, 'p/flops-deps', 'amd64', cache, log),
    ]);
    expect(pushed[0]).toBe(pushed[1]);
    expect(calls.map((args) => args[0])).toEqual(['bud', 'push']);
  });
});
