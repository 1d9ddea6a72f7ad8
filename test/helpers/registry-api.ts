import { createHash } from 'node:crypto';
import { request } from 'undici';

// Where a registry is and how to log in to it.
export interface RegistryEndpoint {
  // http://127.0.0.1:port
  readonly url: string;
  readonly credentials?: { readonly user: string; readonly password: string } | undefined;
}

// One manifest as the registry serves it.
export interface FetchedManifest {
  // sha256:... of the exact bytes served (Docker-Content-Digest).
  readonly digest: string;
  readonly mediaType: string;
  // The parsed JSON: a single-image manifest, or an index / manifest list.
  readonly body: ManifestBody;
}

// The manifest fields tests read; the rest is passed through untyped.
export interface ManifestBody {
  readonly schemaVersion: number;
  readonly mediaType?: string;
  readonly config?: { readonly digest: string; readonly mediaType: string; readonly size: number };
  readonly layers?: readonly { readonly digest: string; readonly mediaType: string; readonly size: number }[];
  readonly manifests?: readonly { readonly digest: string; readonly mediaType: string }[];
  readonly [key: string]: unknown;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];
const REQUEST_TIMEOUT_MS = 10_000;

async function get(endpoint: RegistryEndpoint, path: string, accept?: string, method: 'GET' | 'DELETE' = 'GET') {
  const headers: Record<string, string> = {};
  if (accept !== undefined) headers.accept = accept;
  if (endpoint.credentials !== undefined) {
    const { user, password } = endpoint.credentials;
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const response = await request(`${endpoint.url}${path}`, {
    method,
    headers,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, bytes };
}

function failure(what: string, status: number, bytes: Buffer): Error {
  return new Error(`${what}: HTTP ${status}: ${bytes.toString('utf8').slice(0, 500)}`);
}

// Tags of `repo`, sorted; [] when the repository does not exist.
export async function listTags(endpoint: RegistryEndpoint, repo: string): Promise<string[]> {
  const res = await get(endpoint, `/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  if (res.status !== 200) throw failure(`list tags of ${repo}`, res.status, res.bytes);
  const parsed = JSON.parse(res.bytes.toString('utf8')) as { tags: string[] | null };
  return [...(parsed.tags ?? [])].sort();
}

// The manifest `repo:ref` (ref is a tag or a digest), accepting OCI and Docker v2 types.
export async function getManifest(endpoint: RegistryEndpoint, repo: string, ref: string): Promise<FetchedManifest> {
  const res = await get(endpoint, `/v2/${repo}/manifests/${ref}`, MANIFEST_TYPES.join(', '));
  if (res.status !== 200) throw failure(`get manifest ${repo}:${ref}`, res.status, res.bytes);
  const header = res.headers['docker-content-digest'];
  const digest = typeof header === 'string' ? header : `sha256:${createHash('sha256').update(res.bytes).digest('hex')}`;
  const body = JSON.parse(res.bytes.toString('utf8')) as ManifestBody;
  const contentType = res.headers['content-type'];
  const mediaType = body.mediaType ?? (typeof contentType === 'string' ? contentType : '');
  return { digest, mediaType, body };
}

// Deletes the manifest `digest` of `repo`, and with it every tag on it (the registry must allow deletion).
export async function deleteManifest(endpoint: RegistryEndpoint, repo: string, digest: string): Promise<void> {
  const res = await get(endpoint, `/v2/${repo}/manifests/${digest}`, undefined, 'DELETE');
  if (res.status !== 202) throw failure(`delete manifest ${repo}@${digest}`, res.status, res.bytes);
}

// The labels in the image config of the single-image manifest `repo:ref`; {} when it has none.
export async function getConfigLabels(
  endpoint: RegistryEndpoint,
  repo: string,
  ref: string,
): Promise<Record<string, string>> {
  const manifest = await getManifest(endpoint, repo, ref);
  const config = manifest.body.config;
  if (config === undefined) {
    throw new Error(`${repo}:${ref} is a ${manifest.mediaType}, not a single-image manifest with a config blob`);
  }
  const res = await get(endpoint, `/v2/${repo}/blobs/${config.digest}`);
  if (res.status !== 200) throw failure(`get config blob ${config.digest} of ${repo}:${ref}`, res.status, res.bytes);
  const parsed = JSON.parse(res.bytes.toString('utf8')) as { config?: { Labels?: Record<string, string> | null } };
  return parsed.config?.Labels ?? {};
}

// The full image config of `repo:ref` for `platform` (an index is followed to that platform's manifest).
export async function getImageConfig(
  endpoint: RegistryEndpoint,
  repo: string,
  ref: string,
  platform = 'linux/amd64',
): Promise<ImageConfigBody> {
  let manifest = await getManifest(endpoint, repo, ref);
  if (manifest.body.manifests !== undefined) {
    const entry = (
      manifest.body.manifests as readonly { digest: string; platform?: { os: string; architecture: string } }[]
    ).find((item) => `${item.platform?.os}/${item.platform?.architecture}` === platform);
    if (entry === undefined) throw new Error(`${repo}:${ref} has no ${platform} image`);
    manifest = await getManifest(endpoint, repo, entry.digest);
  }
  const config = manifest.body.config;
  if (config === undefined) throw new Error(`${repo}:${ref} has no config`);
  const res = await get(endpoint, `/v2/${repo}/blobs/${config.digest}`);
  if (res.status !== 200) throw failure(`get config blob ${config.digest} of ${repo}:${ref}`, res.status, res.bytes);
  return JSON.parse(res.bytes.toString('utf8')) as ImageConfigBody;
}

// The image config fields tests read.
export interface ImageConfigBody {
  readonly architecture: string;
  readonly os: string;
  readonly config: {
    readonly Entrypoint?: string[];
    readonly Cmd?: string[] | null;
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly Env?: string[];
    readonly Labels?: Record<string, string>;
  };
  readonly history?: readonly { readonly created_by?: string }[];
}
