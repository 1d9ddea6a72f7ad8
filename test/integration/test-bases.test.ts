// The bases that ensureBaseImages pushes are what they claim, checked in the registry and in the pulled images:
// two platforms whose configs agree, an arm64 python that runs under qemu-user (unpacked, never registered
// with the kernel), the /usr/local layout on both platforms, and a base that lacks arm64.

import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AMD64_ONLY_BASE_REPO,
  BASE_IMAGE_REPO,
  BASE_IMAGE_TAG,
  BASES_TAG,
  type BaseImages,
  ensureBaseImage,
  ensureBaseImages,
  USRLOCAL_BASE_REPO,
} from '../helpers/base-image.js';
import { buildah } from '../helpers/buildah.js';
import { ensureQemu, QEMU_AARCH64 } from '../helpers/qemu.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const LAYOUTS = [
  { layout: 'Debian', repo: BASE_IMAGE_REPO, tag: BASE_IMAGE_TAG, python: '/usr/bin/python3.11' },
  { layout: '/usr/local', repo: USRLOCAL_BASE_REPO, tag: BASES_TAG, python: '/usr/local/bin/python3.11' },
];

// lstat, not stat: a mounted rootfs's absolute symlinks would point into this machine.
const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );
const isFile = (path: string): Promise<boolean> =>
  lstat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );

interface IndexEntry {
  readonly digest: string;
  readonly platform?: { readonly os: string; readonly architecture: string };
}

// One platform's image of an index, pulled into a working container and mounted.
interface Pulled {
  readonly container: string;
  readonly root: string;
  readonly os: string;
  readonly architecture: string;
}

describe('test bases', () => {
  let registry: TestRegistry;
  let bases: BaseImages;
  const cleanups: (() => Promise<unknown>)[] = [];
  const pulls = new Map<string, Promise<Pulled>>();

  beforeAll(async () => {
    registry = await startRegistry();
    cleanups.push(() => registry.stop());
    [bases] = await Promise.all([ensureBaseImages(registry), ensureQemu()]);
  }, 900_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  async function entries(repo: string, tag: string): Promise<readonly IndexEntry[]> {
    const index = await registry.getManifest(repo, tag);
    expect(index.mediaType).toBe(INDEX);
    return (index.body.manifests ?? []) as readonly IndexEntry[];
  }

  async function pull(reference: string): Promise<Pulled> {
    const container = await buildah(['from', '--pull=always', '--tls-verify=false', '--quiet', reference]);
    // The pulled image is the local base under one more name (same config, same ID): rmi of that name only
    // untags it. Pushed in this order so that the reversed cleanups remove the container first.
    cleanups.push(
      () => buildah(['rmi', reference]),
      () => buildah(['rm', container]),
    );
    const root = await buildah(['mount', container]);
    const [os = '', architecture = ''] = (
      await buildah(['inspect', '--type', 'image', '--format', '{{.OCIv1.OS}} {{.OCIv1.Architecture}}', reference])
    ).split(' ');
    return { container, root, os, architecture };
  }

  // The image for `platform` in the index `repo:tag`, pulled once per file.
  async function pulled(repo: string, tag: string, platform: string): Promise<Pulled> {
    const entry = (await entries(repo, tag)).find((e) => `${e.platform?.os}/${e.platform?.architecture}` === platform);
    if (entry === undefined) throw new Error(`${repo}:${tag} lists no ${platform}`);
    const reference = `${registry.hostPort}/${repo}@${entry.digest}`;
    if (!pulls.has(reference)) pulls.set(reference, pull(reference));
    return pulls.get(reference) as Promise<Pulled>;
  }

  // Runs an arm64 python under the unpacked emulator, with the image's root as its library prefix. -L does not
  // follow absolute symlinks inside that root, so callers name the interpreter itself.
  async function arm64Python(root: string, python: string, code: string): Promise<string> {
    const { stdout } = await execa(QEMU_AARCH64, ['-L', root, join(root, python), '-c', code], {
      env: { LANG: 'C.UTF-8' },
      extendEnv: false,
      timeout: 60_000,
    });
    return stdout.trim();
  }

  it('returns the references of the three bases', () => {
    expect(bases).toEqual({
      debian: `${registry.hostPort}/library/python:3.11-slim`,
      usrLocal: `${registry.hostPort}/library/python-usrlocal:3.11`,
      amd64Only: `${registry.hostPort}/library/python-amd64only:3.11`,
    });
  });

  it.each(LAYOUTS)(
    'the $layout base is an index of both platforms whose configs agree, each with $python',
    async ({ repo, tag, python }) => {
      const listed = (await entries(repo, tag)).map((e) => `${e.platform?.os}/${e.platform?.architecture}`);
      expect([...listed].sort()).toEqual(PLATFORMS);
      for (const platform of PLATFORMS) {
        const image = await pulled(repo, tag, platform);
        expect(`${image.os}/${image.architecture}`).toBe(platform);
        expect(await isFile(join(image.root, python))).toBe(true);
      }
    },
    120_000,
  );

  it('the Debian arm64 python imports ssl and json under qemu-aarch64-static', async () => {
    const { root } = await pulled(BASE_IMAGE_REPO, BASE_IMAGE_TAG, 'linux/arm64');
    expect(await arm64Python(root, '/usr/bin/python3.11', 'import ssl, json; print(1)')).toBe('1');
  }, 120_000);

  it('the /usr/local base has its interpreter and standard library under /usr/local on both platforms', async () => {
    const amd64 = await pulled(USRLOCAL_BASE_REPO, BASES_TAG, 'linux/amd64');
    const arm64 = await pulled(USRLOCAL_BASE_REPO, BASES_TAG, 'linux/arm64');
    for (const { root } of [amd64, arm64]) {
      expect(await isFile(join(root, 'usr/local/lib/python3.11/os.py'))).toBe(true);
      // Debian's interpreter and marker moved or went, as in the official images.
      expect(await exists(join(root, 'usr/bin/python3'))).toBe(false);
      expect(await exists(join(root, 'usr/lib/python3.11'))).toBe(false);
      expect(await exists(join(root, 'usr/local/lib/python3.11/EXTERNALLY-MANAGED'))).toBe(false);
    }
    const code = 'import sys, ssl; print(sys.prefix)';
    expect(await buildah(['run', '--isolation', 'chroot', amd64.container, '--', 'python3', '-c', code])).toBe(
      '/usr/local',
    );
    expect(await arm64Python(arm64.root, '/usr/local/bin/python3.11', code)).toBe(join(arm64.root, 'usr/local'));
  }, 120_000);

  it('the amd64-only base is one linux/amd64 image, not an index', async () => {
    const manifest = await registry.getManifest(AMD64_ONLY_BASE_REPO, BASES_TAG);
    expect(manifest.mediaType).toBe(MANIFEST);
    expect(manifest.body.manifests).toBeUndefined();
    const image = await pull(`${registry.hostPort}/${AMD64_ONLY_BASE_REPO}@${manifest.digest}`);
    expect(`${image.os}/${image.architecture}`).toBe('linux/amd64');
  }, 120_000);

  it('pushes nothing again once the bases are there, and ensureBaseImage then names the index', async () => {
    const before = await registry.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG);
    expect(await ensureBaseImages(registry)).toEqual(bases);
    expect(await ensureBaseImage(registry)).toBe(bases.debian);
    expect((await registry.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG)).digest).toBe(before.digest);
  }, 60_000);

  it('replaces the single image that ensureBaseImage pushed by the two-platform index, also behind a login', async () => {
    const other = await startRegistry({ htpasswd: { user: 'flops', password: 'bases' } });
    cleanups.push(() => other.stop());
    const single = await ensureBaseImage(other);
    expect((await other.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG)).body.layers?.length).toBeGreaterThan(0);
    expect((await ensureBaseImages(other)).debian).toBe(single);
    expect((await other.getManifest(BASE_IMAGE_REPO, BASE_IMAGE_TAG)).mediaType).toBe(INDEX);
  }, 300_000);
});
