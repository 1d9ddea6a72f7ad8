import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { listTags, type RegistryEndpoint } from './registry-api.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

// Local buildah image that scripts/make-base-image.sh makes by default.
export const LOCAL_BASE_IMAGE = 'localhost/flops-test/python:3.11';
// Where ensureBaseImage puts it in a test registry: the name a Containerfile expects.
export const BASE_IMAGE_REPO = 'library/python';
export const BASE_IMAGE_TAG = '3.11-slim';

const SCRIPT = fileURLToPath(new URL('../../scripts/make-base-image.sh', import.meta.url));
// A cold run bootstraps Debian from the mirror (about 30 s here); the bound allows a slow mirror.
const MAKE_TIMEOUT_MS = 10 * 60_000;
const PUSH_TIMEOUT_MS = 5 * 60_000;

async function localImageExists(image: string): Promise<boolean> {
  const result = await execa('buildah', ['inspect', '--type', 'image', image], { reject: false, timeout: 30_000 });
  return result.exitCode === 0;
}

async function push(image: string, registry: RegistryEndpoint & { hostPort: string }, target: string): Promise<void> {
  const args = ['push', '--quiet', '--tls-verify=false'];
  let authDir: string | undefined;
  try {
    if (registry.credentials !== undefined) {
      // An auth file rather than --creds keeps the password out of the process list.
      authDir = await makeTempDir('push-auth');
      const { user, password } = registry.credentials;
      const auth = Buffer.from(`${user}:${password}`).toString('base64');
      await writeFile(join(authDir, 'auth.json'), JSON.stringify({ auths: { [registry.hostPort]: { auth } } }), {
        mode: 0o600,
      });
      args.push('--authfile', join(authDir, 'auth.json'));
    }
    await execa('buildah', [...args, image, `docker://${target}`], { timeout: PUSH_TIMEOUT_MS });
  } finally {
    if (authDir !== undefined) await removeTempDir(authDir);
  }
}

// Makes sure `registry` serves the test Python base image, building it locally first if
// needed, and returns its reference: <hostPort>/library/python:3.11-slim.
export async function ensureBaseImage(registry: RegistryEndpoint & { hostPort: string }): Promise<string> {
  const target = `${registry.hostPort}/${BASE_IMAGE_REPO}:${BASE_IMAGE_TAG}`;
  if ((await listTags(registry, BASE_IMAGE_REPO)).includes(BASE_IMAGE_TAG)) return target;
  if (!(await localImageExists(LOCAL_BASE_IMAGE))) {
    await execa('bash', [SCRIPT, LOCAL_BASE_IMAGE], { timeout: MAKE_TIMEOUT_MS });
  }
  await push(LOCAL_BASE_IMAGE, registry, target);
  return target;
}
