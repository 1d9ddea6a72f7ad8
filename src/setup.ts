// Prepares a job: work folders, credential and CA files for buildah, build secrets, the registry client; and removes them.

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from './config/config.js';
import type { Job } from './job.js';
import { BUILDER_VERSION } from './paths.js';
import { hostPlatform } from './platforms.js';
import type { Logger } from './report/logger.js';
import { Buildah } from './tools/buildah.js';
import { RegistryClient } from './tools/registry-api.js';

/** A job and the function that removes everything it left on disk. */
export interface PreparedJob<C extends Config> {
  readonly job: Job<C>;
  readonly cleanup: () => Promise<void>;
}

/** Creates the job's folders and files; `cleanup` must run however the job ends. */
export async function prepareJob<C extends Config>(
  config: C,
  buildahEnv: Readonly<Record<string, string>>,
  log: Logger,
  signal: AbortSignal,
): Promise<PreparedJob<C>> {
  const keepWorkdir = config.workdir !== undefined;
  const workdir = keepWorkdir ? resolve(config.workdir as string) : await mkdtemp(join(tmpdir(), 'flops-work-'));
  if (keepWorkdir) {
    // Leftovers of an earlier run with the same --workdir would be mixed into this one.
    await rm(join(workdir, 'repo'), { recursive: true, force: true });
    await rm(join(workdir, 'context'), { recursive: true, force: true });
    await mkdir(workdir, { recursive: true });
  }
  const privateDir = await mkdtemp(join(tmpdir(), 'flops-private-'));
  // Every tool's temporary files (pip's, buildah's) go inside the job's folder: a tool killed by a cancel or a
  // time limit cannot clean up after itself, and this folder is removed however the job ends.
  const toolTmp = join(privateDir, 'tmp');
  await mkdir(toolTmp, { mode: 0o700 });
  if (config.downloadCache) await linkDownloadCache(toolTmp, config.downloadCache);
  const toolEnv = Object.freeze({ ...config.hostEnv, ...buildahEnv, TMPDIR: toolTmp });
  const extraCa = config.caCertFile ? await readFile(config.caCertFile, 'utf8') : undefined;
  const registry = new RegistryClient(config.registry, config.registryCredentials, extraCa);

  const registriesConf = await writeRegistriesConf(config, privateDir);
  const job: Job<C> = {
    config,
    toolEnv,
    builderVersion: BUILDER_VERSION,
    workdir,
    privateDir,
    signal,
    log,
    registry,
    extraCa,
    registryAccess: {
      authFile: await writeAuthFile(config, privateDir),
      certDir: await writeCertDir(extraCa, privateDir),
      registriesConf,
    },
    buildSecrets: await writeBuildSecrets(config, extraCa, privateDir),
    buildah: new Buildah(toolEnv, registriesConf, workdir),
    architecture: hostPlatform().architecture,
  };
  const cleanup = async (): Promise<void> => {
    await registry.close().catch(() => undefined);
    await rm(privateDir, { recursive: true, force: true });
    if (!keepWorkdir) await rm(workdir, { recursive: true, force: true });
    log.debug({ workdir, kept: keepWorkdir }, 'Cleaned up');
  };
  return { job, cleanup };
}

/**
 * Points buildah's folder of cache mounts (the installer's download cache) at the operator's folder, so downloads
 * outlive the job. buildah keeps that folder in its TMPDIR, named "buildah-cache" (1.28) or "buildah-cache-<uid>"
 * (later releases): both names are linked. Removing the job's folder removes the links, never what they point at.
 */
async function linkDownloadCache(toolTmp: string, cacheDir: string): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const uid = process.getuid?.() ?? 0;
  for (const name of ['buildah-cache', `buildah-cache-${uid}`]) await symlink(cacheDir, join(toolTmp, name));
}

/** auth.json in the containers format, readable by this job alone: credentials never reach a command line. */
async function writeAuthFile(config: Config, dir: string): Promise<string | undefined> {
  if (!config.registryCredentials) return undefined;
  const { username, password } = config.registryCredentials;
  const auths = {
    auths: { [config.registry.hostPort]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } },
  };
  const path = join(dir, 'auth.json');
  await writeFile(path, JSON.stringify(auths), { mode: 0o600 });
  return path;
}

/** A --cert-dir for buildah holding the extra CA, so its own registry traffic trusts it too. */
async function writeCertDir(extraCa: string | undefined, dir: string): Promise<string | undefined> {
  if (extraCa === undefined) return undefined;
  const certDir = join(dir, 'certs');
  await mkdir(certDir, { mode: 0o700 });
  await writeFile(join(certDir, 'extra-ca.crt'), extraCa, { mode: 0o600 });
  return certDir;
}

/**
 * A registries.conf that marks only the target registry as plain HTTP, so pulls of a base image stored there
 * work while every other registry keeps TLS verification.
 */
async function writeRegistriesConf(config: Config, dir: string): Promise<string | undefined> {
  if (config.registry.tls) return undefined;
  const path = join(dir, 'registries.conf');
  await writeFile(
    path,
    `unqualified-search-registries = []\n\n[[registry]]\nlocation = ${JSON.stringify(config.registry.hostPort)}\ninsecure = true\n`,
    { mode: 0o600 },
  );
  return path;
}

/** The files behind `RUN --mount=type=secret`: the extra CA (may be empty) and `KEY=VALUE` lines for pip and proxies. */
async function writeBuildSecrets(
  config: Config,
  extraCa: string | undefined,
  dir: string,
): Promise<Job['buildSecrets']> {
  // A folder of their own, named as `RUN --mount=type=secret` names them: a working container mounts it whole at
  // /run/secrets, and nothing else of the job's private folder (the registry's auth.json) is seen there.
  const secretsDir = join(dir, 'build-secrets');
  await mkdir(secretsDir, { mode: 0o700 });
  const caFile = join(secretsDir, 'flops-ca');
  const envFile = join(secretsDir, 'flops-env');
  await writeFile(caFile, extraCa ?? '', { mode: 0o600 });
  const lines = Object.entries({ ...config.buildEnv, ...installerEnv(config) })
    .filter(([, value]) => !/[\r\n]/.test(value))
    .map(([name, value]) => `${name}=${value}\n`);
  await writeFile(envFile, lines.join(''), { mode: 0o600 });
  return { dir: secretsDir, caFile, envFile };
}

/**
 * How uv keeps what it downloads, set in the build's environment rather than in the Containerfile: the images are
 * the same either way, and so are their tags. uv's cache (a cache mount, another file system than the image's) is
 * worth its copies only when something reads it again: the operator's --download-cache, or another platform's
 * install of the same pure-Python wheels. Otherwise uv unpacks into a temporary folder in the image's own file
 * system and hard-links from there: a sixth less CPU for the aggregator's install, and nothing to remove after.
 */
function installerEnv(config: Config): Record<string, string> {
  const kept = config.downloadCache !== undefined || config.platforms.length > 1;
  // The cache mount is another file system: hard links to it fail, and uv would warn before copying.
  return kept ? { UV_LINK_MODE: 'copy' } : { UV_NO_CACHE: '1' };
}
