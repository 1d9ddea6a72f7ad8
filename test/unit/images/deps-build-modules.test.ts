// ensureDepsImages against a fake buildah and registry (the boundaries): where each dependency image's module list
// comes from, and that a built image carries it in its label for the builds that reuse it.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImageContext } from '../../../src/context/image-context.js';
import { ensureDepsImages } from '../../../src/images/deps-build.js';
import { DEPS_LABELS } from '../../../src/images/deps-image.js';
import type { Job } from '../../../src/job.js';
import { hostPlatform } from '../../../src/platforms.js';

const listing = (name: string) =>
  JSON.stringify({
    python: '3.11.2',
    stdlib: ['os'],
    distributions: [{ name, version: '1.0', modules: [name] }],
    unowned: [],
  });

describe('ensureDepsImages: module lists', () => {
  let dir: string;
  /** Labels of each `buildah bud` by target. */
  let labels: Record<string, Record<string, string>>;
  /** What `buildah from` was given, in order. */
  let mounted: string[];
  let registryLabels: Record<string, Record<string, string>>;

  const job = (): Job =>
    ({
      workdir: dir,
      signal: new AbortController().signal,
      builderVersion: '0.1.0',
      config: { force: false, registry: { hostPort: 'r:5000' }, phaseTimeoutsMs: { build: 60_000 } },
      buildSecrets: { caFile: join(dir, 'ca'), envFile: join(dir, 'env') },
      registryAccess: { authFile: undefined, certDir: undefined },
      registry: {
        platformImage: async (_repository: string, tag: string) =>
          registryLabels[tag] === undefined
            ? undefined
            : { manifest: { layers: [] }, config: { config: { Labels: registryLabels[tag] } } },
        hasBlob: async () => true,
      },
      buildah: {
        runOr: async (_code: string, _what: string, args: readonly string[]) => {
          const target = args[args.indexOf('--target') + 1] ?? '';
          const given = args.flatMap((arg, i) => (args[i - 1] === '--label' ? [arg] : []));
          labels[target] = Object.fromEntries(given.map((label) => label.split(/=(.*)/s).slice(0, 2)));
          await writeFile(args[args.indexOf('--iidfile') + 1] ?? '', `sha256:id-of-${target}\n`);
          return { stdout: '', stderr: '' };
        },
        run: async (args: readonly string[]) => {
          if (args[0] === 'from') mounted.push(args.at(-1) ?? '');
          return { stdout: args[0] === 'from' ? 'container-1\n' : '', stderr: '' };
        },
        runMounted: async () => ({ stdout: `${listing(`from-${mounted.at(-1)}`)}\n`, stderr: '' }),
      },
    }) as unknown as Job;

  const context = (stages: boolean): ImageContext => ({
    contextDir: dir,
    depsRepository: 'p/flops-deps',
    roles: ['learner', 'aggregator'],
    env: {},
    deps: [
      {
        platform: hostPlatform(),
        containerfile: 'deps.Containerfile',
        base: { platform: hostPlatform().platform, ref: 'base', digest: 'sha256:b' },
        tags: { learner: 'learner-t', aggregator: 'aggregator-t' },
        inputsTag: undefined,
        lock: undefined,
        extras: undefined,
        unlocked: [],
        moved: [],
        installStages: stages
          ? {
              learner: [{ target: 'install', tag: 'localhost/i:l' }],
              aggregator: [
                { target: 'install', tag: 'localhost/i:l' },
                { target: 'aggregator-install', tag: 'localhost/i:a' },
              ],
            }
          : {},
      },
    ],
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deps-build-modules-'));
    await writeFile(join(dir, 'deps.Containerfile'), 'FROM x AS install\n');
    labels = {};
    mounted = [];
    registryLabels = {};
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads each role's list from its last install stage and writes it into the image's label", async () => {
    const built = await ensureDepsImages(job(), context(true), pino({ enabled: false }));
    expect(mounted).toEqual(['sha256:id-of-install', 'sha256:id-of-aggregator-install']);
    expect(labels['learner-deps']?.[DEPS_LABELS.modules]).toBe(listing('from-sha256:id-of-install'));
    expect(labels['aggregator-deps']?.[DEPS_LABELS.modules]).toBe(listing('from-sha256:id-of-aggregator-install'));
    expect(built.images.map((image) => image.modules?.distributions[0]?.name)).toEqual([
      'from-sha256:id-of-install',
      'from-sha256:id-of-aggregator-install',
    ]);
  });

  it('reads a reused image’s list from its label in the registry, pulling nothing; an old image has none', async () => {
    registryLabels = { 'learner-t': { [DEPS_LABELS.modules]: listing('labelled') }, 'aggregator-t': {} };
    const built = await ensureDepsImages(job(), context(true), pino({ enabled: false }));
    expect(mounted).toEqual([]);
    expect(built.images.map((image) => [image.built, image.modules?.distributions[0]?.name])).toEqual([
      [false, 'labelled'],
      [false, undefined],
    ]);
  });

  it('reads the list of a conda image, which has no install stage, from the image built', async () => {
    const built = await ensureDepsImages(job(), context(false), pino({ enabled: false }));
    expect(mounted).toEqual(['r:5000/p/flops-deps:learner-t', 'r:5000/p/flops-deps:aggregator-t']);
    expect(labels['learner-deps']?.[DEPS_LABELS.modules]).toBeUndefined();
    expect(built.images[1]?.modules?.distributions[0]?.name).toBe('from-r:5000/p/flops-deps:aggregator-t');
  });
});
