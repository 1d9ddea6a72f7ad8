import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { htpasswdLine } from './htpasswd.js';
import { freePort, LOOPBACK } from './ports.js';
import {
  deleteManifest,
  type FetchedManifest,
  getConfigLabels,
  getImageConfig,
  getManifest,
  type ImageConfigBody,
  listTags,
  type RegistryEndpoint,
} from './registry-api.js';
import { type ServiceProcess, spawnService } from './service-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { waitUntilReady } from './wait.js';

const DOCKER_REGISTRY = '/usr/bin/docker-registry';

// Options for startRegistry.
export interface RegistryOptions {
  // Require HTTP basic auth with this one user.
  readonly htpasswd?: { readonly user: string; readonly password: string };
}

// A running plain-HTTP distribution registry on loopback, with clients for what tests check.
export interface TestRegistry extends RegistryEndpoint {
  readonly host: string;
  readonly port: number;
  // 127.0.0.1:port, the form image references use.
  readonly hostPort: string;
  // Tags of `repo`, sorted; [] when the repository does not exist.
  listTags(repo: string): Promise<string[]>;
  // The manifest `repo:ref`, accepting OCI and Docker v2 types.
  getManifest(repo: string, ref: string): Promise<FetchedManifest>;
  // Deletes the manifest `digest` of `repo` and every tag on it.
  deleteManifest(repo: string, digest: string): Promise<void>;
  // The image-config labels of `repo:ref`.
  getConfigLabels(repo: string, ref: string): Promise<Record<string, string>>;
  /** The image config of `repo:ref` for a platform (default linux/amd64), following an index. */
  getImageConfig(repo: string, ref: string, platform?: string): Promise<ImageConfigBody>;
  // Stops the registry, waits for it to exit and deletes its storage; safe to call twice.
  stop(): Promise<void>;
  // Starts it again on the same port with the same storage (stopping it first if it runs).
  restart(): Promise<void>;
  // Stops the process but keeps its storage, for outage tests; restart() brings it back.
  pause(): Promise<void>;
}

function registryConfig(port: number, storageDir: string, secret: string, htpasswdPath: string | undefined): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${LOOPBACK}:${port}`,
    // Fixed per registry so upload state survives restart(); unset, each start makes a new
    // one and logs a warning.
    `  secret: ${secret}`,
  ];
  if (htpasswdPath !== undefined) {
    lines.push('auth:', '  htpasswd:', '    realm: flops-test', `    path: ${htpasswdPath}`);
  }
  return `${lines.join('\n')}\n`;
}

// True once GET /v2/ gets any registry answer (200 open, 401 with auth).
async function answersV2(url: string): Promise<boolean> {
  try {
    const res = await request(`${url}/v2/`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    await res.body.dump();
    return res.statusCode === 200 || res.statusCode === 401;
  } catch {
    return false;
  }
}

// Starts docker-registry with temporary filesystem storage and waits until /v2/ answers.
export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}`;
  const dir = await makeTempDir('registry');
  let service: ServiceProcess | undefined;
  const start = async (): Promise<void> => {
    const started = spawnService('docker-registry', DOCKER_REGISTRY, ['serve', join(dir, 'config.yml')], { cwd: dir });
    service = started;
    try {
      await waitUntilReady(started, `GET ${url}/v2/ answers`, () => answersV2(url));
    } finally {
      if (!started.isRunning()) service = undefined;
    }
  };
  try {
    let htpasswdPath: string | undefined;
    if (opts.htpasswd !== undefined) {
      htpasswdPath = join(dir, 'htpasswd');
      await writeFile(htpasswdPath, await htpasswdLine(opts.htpasswd.user, opts.htpasswd.password), { mode: 0o600 });
    }
    await mkdir(join(dir, 'storage'));
    const config = registryConfig(port, join(dir, 'storage'), randomBytes(16).toString('hex'), htpasswdPath);
    await writeFile(join(dir, 'config.yml'), config);
    await start();
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
  const endpoint: RegistryEndpoint = { url, credentials: opts.htpasswd };
  return {
    ...endpoint,
    host: LOOPBACK,
    port,
    hostPort: `${LOOPBACK}:${port}`,
    listTags: (repo) => listTags(endpoint, repo),
    getManifest: (repo, ref) => getManifest(endpoint, repo, ref),
    deleteManifest: (repo, digest) => deleteManifest(endpoint, repo, digest),
    getConfigLabels: (repo, ref) => getConfigLabels(endpoint, repo, ref),
    getImageConfig: (repo, ref, platform) => getImageConfig(endpoint, repo, ref, platform),
    async stop() {
      await service?.stop();
      service = undefined;
      await removeTempDir(dir);
    },
    async restart() {
      await service?.stop();
      await start();
    },
    async pause() {
      await service?.stop();
      service = undefined;
    },
  };
}
