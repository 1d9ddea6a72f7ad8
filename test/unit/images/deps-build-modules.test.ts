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

const OWN_LISTING = JSON.stringify({
  python: '3.11.2',
  stdlib: ['os'],
  distributions: [{ name: 'mlflow', version: '2.0', modules: ['mlflow'] }],
  unowned: [],
});

const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;
const INSTALL = { target: 'install', tag: 'localhost/i:l' };
const STAGE_MANIFEST = { schemaVersion: 2, config: { digest: 'sha256:c' }, layers: [{ digest: 'sha256:l1' }] };
const STAGE_CONFIG = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:d1'] } };

describe('ensureDepsImages: module lists', () => {
  let dir: string;
  /** Labels of each `buildah bud` by target. */
  let labels: Record<string, Record<string, string>>;
  /** What `buildah from` was given, in order. */
  let mounted: string[];
  /** The buildah commands other than bud, push and from, by their first word, in order. */
  let commands: string[];
  let registryLabels: Record<string, Record<string, string>>;
  /** The configs uploaded (the assembled images'), and the tags set. */
  let configs: { config: { Labels: Record<string, string> } }[];
  let tagged: string[];

  const job = (): Job =>
    ({
      workdir: dir,
      signal: new AbortController().signal,
      builderVersion: '0.1.0',
      config: { force: false, registry: { hostPort: 'r:5000' }, phaseTimeoutsMs: { build: 60_000 } },
      buildSecrets: { dir, caFile: join(dir, 'ca'), envFile: join(dir, 'env') },
      registryAccess: { authFile: undefined, certDir: undefined },
      registry: {
        platformImage: async (_repository: string, tag: string) => {
          if (tag === BASE_DIGEST) return { manifest: STAGE_MANIFEST, config: STAGE_CONFIG };
          return registryLabels[tag] === undefined
            ? undefined
            : { manifest: { layers: [] }, config: { config: { Labels: registryLabels[tag] } } };
        },
        hasBlob: async () => true,
        uploadBlob: async (_repository: string, _digest: string, body: Buffer) => {
          const parsed = JSON.parse(body.toString('utf8'));
          if (parsed.rootfs !== undefined) configs.push(parsed);
        },
        manifest: async () => ({
          digest: 'sha256:m',
          mediaType: '',
          body: Buffer.from(JSON.stringify(STAGE_MANIFEST)),
        }),
        blob: async () => Buffer.from(JSON.stringify(STAGE_CONFIG)),
        putManifest: async (_repository: string, reference: string) => {
          if (!reference.startsWith('sha256:')) tagged.push(reference);
          return 'sha256:m';
        },
      },
      buildah: {
        runOr: async (_code: string, _what: string, args: readonly string[]) => {
          if (args[0] === 'from') {
            mounted.push(args.at(-1) ?? '');
            return { stdout: 'own-container\n', stderr: '' };
          }
          if (args[0] === 'run') {
            // The install script writes its list into the folder mounted at /opt/flops/out.
            const out = args.find((arg) => arg.includes('target=/opt/flops/out'));
            const source = /source=([^,]+)/.exec(out ?? '')?.[1] ?? '';
            await writeFile(join(source, 'modules.json'), `${OWN_LISTING}\n`);
          }
          if (args[0] !== 'push' && args[0] !== 'bud') {
            commands.push(args[0] ?? '');
            return { stdout: '', stderr: '' };
          }
          if (args[0] === 'push') {
            await writeFile(args[args.indexOf('--digestfile') + 1] ?? '', 'sha256:m\n');
            return { stdout: '', stderr: '' };
          }
          const target = args[args.indexOf('--target') + 1] ?? '';
          const given = args.flatMap((arg, i) => (args[i - 1] === '--label' ? [arg] : []));
          labels[target] = Object.fromEntries(given.map((label) => label.split(/=(.*)/s).slice(0, 2)));
          await writeFile(args[args.indexOf('--iidfile') + 1] ?? '', `sha256:id-of-${target}\n`);
          return { stdout: '', stderr: '' };
        },
        run: async (args: readonly string[]) => {
          if (args[0] === 'from') mounted.push(args.at(-1) ?? '');
          if (args[0] === 'rm') commands.push(`rm ${args.at(-1)}`);
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
        base: { platform: hostPlatform().platform, ref: `r:5000/library/base@${BASE_DIGEST}`, digest: BASE_DIGEST },
        tags: { learner: 'learner-t', aggregator: 'aggregator-t' },
        inputsTag: undefined,
        lock: undefined,
        extras: undefined,
        unlocked: [],
        moved: [],
        installStages: stages
          ? {
              learner: { layers: [INSTALL], modules: { target: 'learner-modules', tag: 'localhost/i:lm' } },
              aggregator: {
                layers: [INSTALL],
                modules: { target: 'learner-modules', tag: 'localhost/i:lm' },
                own: {
                  name: 'localhost/i:a',
                  from: { target: 'environment', tag: 'localhost/i:e' },
                  script: 'aggregator-install.sh',
                  args: ['x86_64-manylinux_2_36', '--no-deps'],
                  locks: 'locks/amd64',
                  createdBy: 'the aggregator packages',
                },
              },
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
    commands = [];
    registryLabels = {};
    configs = [];
    tagged = [];
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads each role's list from its modules stage and writes it into the assembled image's label", async () => {
    const built = await ensureDepsImages(job(), context(true), pino({ enabled: false }));
    // The learner's list is read for each image; the aggregator's own container starts from `environment`.
    expect([...mounted].sort()).toEqual([
      'sha256:id-of-environment',
      'sha256:id-of-learner-modules',
      'sha256:id-of-learner-modules',
    ]);
    const learnerList = listing('from-sha256:id-of-learner-modules');
    const both = JSON.parse(learnerList);
    both.distributions.push({ name: 'mlflow', version: '2.0', modules: ['mlflow'] });
    expect(configs.map((config) => config.config.Labels[DEPS_LABELS.modules]).sort()).toEqual(
      [learnerList, JSON.stringify(both)].sort(),
    );
    expect([...tagged].sort()).toEqual(['aggregator-t', 'learner-t']);
    expect(built.images.map((image) => [image.built, image.local, image.modules?.distributions.at(-1)?.name])).toEqual([
      [true, false, 'from-sha256:id-of-learner-modules'],
      [true, false, 'mlflow'],
    ]);
    // Nothing is built whole: only the stages (the aggregator's beside the learner's, so in no fixed order).
    expect(Object.keys(labels).sort()).toEqual(['environment', 'install', 'learner-modules']);
    // The own layer: installed, described, committed to the registry, and its container removed at the end.
    expect(commands.filter((command) => !command.startsWith('rm container'))).toEqual([
      'run',
      'config',
      'commit',
      'rm own-container',
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
