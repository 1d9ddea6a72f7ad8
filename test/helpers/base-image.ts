import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { getManifest, listTags, type RegistryEndpoint } from './registry-api.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

// Local buildah image that scripts/make-base-image.sh makes by default: Debian layout, linux/amd64.
export const LOCAL_BASE_IMAGE = 'localhost/flops-test/python:3.11';
// The script's three other images, named after the first.
export const LOCAL_BASE_IMAGES = {
  debian: { amd64: LOCAL_BASE_IMAGE, arm64: `${LOCAL_BASE_IMAGE}-arm64` },
  usrLocal: { amd64: `${LOCAL_BASE_IMAGE}-usrlocal`, arm64: `${LOCAL_BASE_IMAGE}-usrlocal-arm64` },
} as const;
// Where ensureBaseImage puts it in a test registry: the name a Containerfile expects.
export const BASE_IMAGE_REPO = 'library/python';
export const BASE_IMAGE_TAG = '3.11-slim';
// Where ensureBaseImages puts the /usr/local layout and the base that lacks arm64.
export const USRLOCAL_BASE_REPO = 'library/python-usrlocal';
export const AMD64_ONLY_BASE_REPO = 'library/python-amd64only';
export const BASES_TAG = '3.11';

// The bases ensureBaseImages pushes, as references into the test registry.
export interface BaseImages {
  // Debian layout (/usr/bin/python3), an index of linux/amd64 and linux/arm64: <hostPort>/library/python:3.11-slim.
  readonly debian: string;
  // Layout of the official python:X.Y-slim (/usr/local/bin/python3), both platforms: …/library/python-usrlocal:3.11.
  readonly usrLocal: string;
  // Debian layout, one linux/amd64 manifest and no index: …/library/python-amd64only:3.11.
  readonly amd64Only: string;
}

type TestRegistryEndpoint = RegistryEndpoint & { readonly hostPort: string };

const SCRIPT = fileURLToPath(new URL('../../scripts/make-base-image.sh', import.meta.url));
// A cold run bootstraps Debian twice from the mirror (about a minute here); the bound allows a slow mirror.
const MAKE_TIMEOUT_MS = 10 * 60_000;
const PUSH_TIMEOUT_MS = 5 * 60_000;
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

// Once per process: a warm run of the script takes a fraction of a second, but callers would queue on its lock.
let made: Promise<unknown> | undefined;
function makeLocalImages(): Promise<unknown> {
  made ??= execa('bash', [SCRIPT, LOCAL_BASE_IMAGE], { timeout: MAKE_TIMEOUT_MS }).catch((error: unknown) => {
    made = undefined;
    throw error;
  });
  return made;
}

// Runs `use` with the buildah arguments that log in to `registry`, if it needs that.
async function withAuth<T>(registry: TestRegistryEndpoint, use: (args: string[]) => Promise<T>): Promise<T> {
  if (registry.credentials === undefined) return use([]);
  // An auth file rather than --creds keeps the password out of the process list.
  const authDir = await makeTempDir('push-auth');
  try {
    const { user, password } = registry.credentials;
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    await writeFile(join(authDir, 'auth.json'), JSON.stringify({ auths: { [registry.hostPort]: { auth } } }), {
      mode: 0o600,
    });
    return await use(['--authfile', join(authDir, 'auth.json')]);
  } finally {
    await removeTempDir(authDir);
  }
}

async function push(image: string, registry: TestRegistryEndpoint, target: string): Promise<void> {
  await withAuth(registry, (auth) =>
    execa('buildah', ['push', '--quiet', '--tls-verify=false', ...auth, image, `docker://${target}`], {
      timeout: PUSH_TIMEOUT_MS,
    }),
  );
}

// Pushes `images` (one per platform) as one OCI image index, through a local list made for this push alone,
// so that parallel callers and rebuilt images never meet a stale list.
async function pushIndex(images: readonly string[], registry: TestRegistryEndpoint, target: string): Promise<void> {
  const list = `localhost/flops-test/index-${process.pid}-${randomBytes(4).toString('hex')}`;
  await execa('buildah', ['manifest', 'create', list], { timeout: 30_000 });
  try {
    for (const image of images) {
      await execa('buildah', ['manifest', 'add', list, `containers-storage:${image}`], { timeout: 30_000 });
    }
    const args = ['manifest', 'push', '--all', '--quiet', '--format', 'oci', '--tls-verify=false'];
    await withAuth(registry, (auth) =>
      execa('buildah', [...args, ...auth, list, `docker://${target}`], { timeout: PUSH_TIMEOUT_MS }),
    );
  } finally {
    await execa('buildah', ['manifest', 'rm', list], { reject: false, timeout: 30_000 });
  }
}

// True when `registry` has `repo:tag`, and it is an index if `index` says so.
async function served(registry: TestRegistryEndpoint, repo: string, tag: string, index: boolean): Promise<boolean> {
  if (!(await listTags(registry, repo)).includes(tag)) return false;
  return !index || (await getManifest(registry, repo, tag)).mediaType === INDEX_TYPE;
}

// Makes sure `registry` serves the test Python base image (Debian layout; linux/amd64 alone unless
// ensureBaseImages put the two-platform index there first), building it locally first if needed,
// and returns its reference: <hostPort>/library/python:3.11-slim.
export async function ensureBaseImage(registry: TestRegistryEndpoint): Promise<string> {
  const target = `${registry.hostPort}/${BASE_IMAGE_REPO}:${BASE_IMAGE_TAG}`;
  if (await served(registry, BASE_IMAGE_REPO, BASE_IMAGE_TAG, false)) return target;
  await makeLocalImages();
  await push(LOCAL_BASE_IMAGE, registry, target);
  return target;
}

// Makes sure `registry` serves the three test bases (see BaseImages), building them locally first if needed.
export async function ensureBaseImages(registry: TestRegistryEndpoint): Promise<BaseImages> {
  const at = (repo: string, tag: string): string => `${registry.hostPort}/${repo}:${tag}`;
  const bases: BaseImages = {
    debian: at(BASE_IMAGE_REPO, BASE_IMAGE_TAG),
    usrLocal: at(USRLOCAL_BASE_REPO, BASES_TAG),
    amd64Only: at(AMD64_ONLY_BASE_REPO, BASES_TAG),
  };
  await makeLocalImages();
  const { debian, usrLocal } = LOCAL_BASE_IMAGES;
  // A single image that ensureBaseImage pushed to the Debian tag is replaced by the index.
  if (!(await served(registry, BASE_IMAGE_REPO, BASE_IMAGE_TAG, true))) {
    await pushIndex([debian.amd64, debian.arm64], registry, bases.debian);
  }
  if (!(await served(registry, USRLOCAL_BASE_REPO, BASES_TAG, true))) {
    await pushIndex([usrLocal.amd64, usrLocal.arm64], registry, bases.usrLocal);
  }
  if (!(await served(registry, AMD64_ONLY_BASE_REPO, BASES_TAG, false))) {
    await push(debian.amd64, registry, bases.amd64Only);
  }
  return bases;
}

// Pushes the Debian base (its python is 3.11) to `registry` as `repo:tag`, its config stating PYTHON_VERSION=`version`
// as the official python images do: what the builder reads, whatever the files hold. A local image per version,
// made from the base once (one config more; the layers are the base's).
export async function pushBaseStating(
  registry: TestRegistryEndpoint,
  repo: string,
  tag: string,
  version: string,
): Promise<string> {
  await makeLocalImages();
  const local = `${LOCAL_BASE_IMAGE}-states-${version}`;
  const ctr = (await execa('buildah', ['from', '--quiet', '--pull=never', LOCAL_BASE_IMAGE], { timeout: 60_000 }))
    .stdout;
  try {
    await execa('buildah', ['config', '--env', `PYTHON_VERSION=${version}`, ctr], { timeout: 30_000 });
    await execa('buildah', ['commit', '--quiet', ctr, local], { timeout: 120_000 });
  } finally {
    await execa('buildah', ['rm', ctr], { reject: false, timeout: 30_000 });
  }
  const target = `${registry.hostPort}/${repo}:${tag}`;
  await push(local, registry, target);
  return target;
}
