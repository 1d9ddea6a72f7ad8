// What the demo keeps in its cache folder between runs: the tool venv (its Python servers, data and plot) and the
// python base image, made once (the MLflow server's venv and the registry's storage are kept there too).
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const ROOT = new URL('../../', import.meta.url).pathname;
const REQUIREMENTS = join(ROOT, 'scripts/demo/requirements.txt');
/** The local name scripts/make-base-image.sh gives the demo's base image (and, suffixed, its three siblings). */
export const LOCAL_BASE = 'localhost/flops-demo/python:3.11';

/** The tool venv's python, made with uv (from the test venv install-deps makes) when missing or outdated. */
export async function toolPython(cache, log) {
  const venv = join(cache, 'tools-venv');
  const python = join(venv, 'bin', 'python');
  const wanted = createHash('sha256')
    .update(await readFile(REQUIREMENTS))
    .digest('hex');
  const marker = join(venv, '.flops-requirements');
  if ((await readFile(marker, 'utf8').catch(() => '')) === wanted) return python;
  log(`making the tool venv in ${venv} (once)`);
  await rm(venv, { recursive: true, force: true });
  const uv = [join(ROOT, '.venv/bin/python'), '-m', 'uv'];
  await execa(uv[0], [...uv.slice(1), 'venv', '--quiet', '--python', '/usr/bin/python3', venv]);
  await execa(uv[0], [...uv.slice(1), 'pip', 'install', '--quiet', '--python', python, '-r', REQUIREMENTS]);
  await writeFile(marker, wanted);
  return python;
}

/** Makes the local base image: from its tarball in the cache, or the first time from the Debian mirror. */
export async function makeLocalBase(cache, log) {
  const made = await execa('buildah', ['inspect', '--type', 'image', LOCAL_BASE], { reject: false });
  if (made.exitCode !== 0) log('making the python base image (the first time from the Debian mirror: minutes)');
  await execa('bash', [join(ROOT, 'scripts/make-base-image.sh'), LOCAL_BASE], {
    env: { FLOPS_TEST_CACHE: cache, FLOPS_BASE_AMD64_ONLY: '1' },
  });
}

/** Pushes the base image once `making` is done, unless the registry has it; returns its reference there. */
export async function pushBase(making, registryHostPort) {
  const target = `${registryHostPort}/library/python:3.11-slim`;
  await making;
  const tags = await fetch(`http://${registryHostPort}/v2/library/python/tags/list`).then(
    (r) => (r.ok ? r.json() : { tags: [] }),
    () => ({ tags: [] }),
  );
  if (tags.tags?.includes('3.11-slim')) return target;
  await execa('buildah', ['push', '--quiet', '--tls-verify=false', LOCAL_BASE, `docker://${target}`]);
  return target;
}

/** --fresh: the cache folder emptied, and the local images the demo made or pulled removed. */
export async function emptyCache(cache, registryHostPort) {
  await rm(cache, { recursive: true, force: true });
  const { stdout } = await execa('buildah', ['images', '--format', '{{.Name}}:{{.Tag}}']);
  const ours = stdout
    .split('\n')
    .filter((name) => name.startsWith('localhost/flops-demo/') || name.startsWith(`${registryHostPort}/`));
  for (const name of ours) await execa('buildah', ['rmi', '--force', name], { reject: false });
}
