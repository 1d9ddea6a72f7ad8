// The registry's v2 HTTP API (undici): is it there, do we have access, which images exist already.

import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import type { RegistryTarget } from '../config/registry-target.js';

/** Manifest media types we accept; buildah pushes OCI, other tools push Docker's. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

const INDEX_TYPES = new Set<string>([MANIFEST_MEDIA_TYPES[2], MANIFEST_MEDIA_TYPES[3]]);

/** Why the registry could not be used. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly kind: 'unreachable' | 'auth' | 'protocol',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** An image found in the registry. */
export interface RemoteImage {
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly architecture: string;
}

interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A small client for one registry, with Basic and Bearer-token authentication. */
export class RegistryClient {
  private readonly dispatcher: Dispatcher;
  private authorization: string | undefined;

  constructor(
    private readonly target: RegistryTarget,
    private readonly credentials: Credentials | undefined,
    extraCaPem: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {
    this.dispatcher = new Agent({
      connect: { ca: extraCaPem ? [...rootCertificates, extraCaPem] : undefined, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** Checks that `/v2/` answers and accepts our credentials; throws RegistryError otherwise. */
  async ping(): Promise<void> {
    await this.get('/v2/', {}, 'registry:catalog:*');
  }

  /** Returns the image `repository:tag`, or undefined when the registry does not have it. */
  async findImage(repository: string, tag: string, architecture: string): Promise<RemoteImage | undefined> {
    const scope = `repository:${repository}:pull`;
    const found = await this.get(
      `/v2/${repository}/manifests/${encodeURIComponent(tag)}`,
      { accept: MANIFEST_MEDIA_TYPES.join(', ') },
      scope,
      true,
    );
    if (!found) return undefined;
    let manifest = JSON.parse(found.body) as {
      mediaType?: string;
      config?: { digest: string };
      manifests?: { digest: string; platform?: { architecture?: string } }[];
    };
    const mediaType = manifest.mediaType ?? found.contentType;
    if (INDEX_TYPES.has(mediaType)) {
      const entry =
        manifest.manifests?.find((item) => item.platform?.architecture === architecture) ?? manifest.manifests?.[0];
      if (!entry) return undefined;
      const child = await this.get(
        `/v2/${repository}/manifests/${entry.digest}`,
        { accept: MANIFEST_MEDIA_TYPES.join(', ') },
        scope,
      );
      manifest = JSON.parse(child?.body ?? '{}');
    }
    if (!manifest.config) throw new RegistryError('protocol', `the manifest of ${repository}:${tag} has no config`);
    const configBlob = await this.get(`/v2/${repository}/blobs/${manifest.config.digest}`, {}, scope);
    const config = JSON.parse(configBlob?.body ?? '{}') as {
      architecture?: string;
      config?: { Labels?: Record<string, string> };
    };
    return {
      digest: found.digest,
      labels: config.config?.Labels ?? {},
      architecture: config.architecture ?? 'unknown',
    };
  }

  /** Releases the connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async get(
    path: string,
    headers: Record<string, string>,
    scope: string,
    notFoundIsUndefined = false,
  ): Promise<{ body: string; digest: string; contentType: string } | undefined> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await this.send(path, headers);
      const body = await response.body.text();
      if (response.statusCode === 401 && attempt === 0) {
        this.authorization = await this.authorize(String(response.headers['www-authenticate'] ?? ''), scope);
        continue;
      }
      if (response.statusCode === 401 || response.statusCode === 403) {
        throw new RegistryError(
          'auth',
          `the registry ${this.target.hostPort} refused our credentials (HTTP ${response.statusCode})`,
        );
      }
      if (response.statusCode === 404 && notFoundIsUndefined) return undefined;
      if (response.statusCode >= 300) {
        throw new RegistryError(
          'protocol',
          `GET ${path} on ${this.target.hostPort} answered HTTP ${response.statusCode}`,
        );
      }
      const digest = String(
        response.headers['docker-content-digest'] ?? `sha256:${createHash('sha256').update(body).digest('hex')}`,
      );
      return { body, digest, contentType: String(response.headers['content-type'] ?? '') };
    }
    throw new RegistryError('auth', `the registry ${this.target.hostPort} keeps asking for authentication`);
  }

  private async send(path: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
    try {
      return await request(`${this.target.apiBase}${path}`, {
        dispatcher: this.dispatcher,
        headers: { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryError(
        'unreachable',
        `cannot reach the registry at ${this.target.apiBase}: ${describe(error)}`,
        { cause: error },
      );
    }
  }

  /** Answers a 401 challenge: Basic with our credentials, or a Bearer token from the realm it names. */
  private async authorize(challenge: string, scope: string): Promise<string> {
    if (!this.credentials && !/^bearer/i.test(challenge)) {
      throw new RegistryError(
        'auth',
        `the registry ${this.target.hostPort} needs credentials; set REGISTRY_USERNAME and REGISTRY_PASSWORD`,
      );
    }
    const basic = this.credentials
      ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
      : undefined;
    if (!/^bearer/i.test(challenge)) return basic as string;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (!params.realm)
      throw new RegistryError('auth', `the registry ${this.target.hostPort} sent a token challenge without a realm`);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? scope);
    const response = await request(url, {
      dispatcher: this.dispatcher,
      headers: basic ? { authorization: basic } : {},
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((error: unknown) => {
      throw new RegistryError('unreachable', `cannot reach the token service ${url.origin}: ${describe(error)}`, {
        cause: error,
      });
    });
    const token = (await response.body.json().catch(() => ({}))) as { token?: string; access_token?: string };
    if (response.statusCode >= 300 || !(token.token ?? token.access_token)) {
      throw new RegistryError(
        'auth',
        `the registry ${this.target.hostPort} refused our credentials (token service HTTP ${response.statusCode})`,
      );
    }
    return `Bearer ${token.token ?? token.access_token}`;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
