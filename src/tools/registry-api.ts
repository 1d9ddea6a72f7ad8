// A registry's v2 API: is it there, which images exist, and the reads and writes that assemble images in place.

import { readFile } from 'node:fs/promises';
import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndex,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  platformOf,
} from '../tables/oci.js';
import type { RegistryTarget } from '../tables/registry-target.js';
import { type Credentials, RegistryError, RegistryHttp } from './registry-http.js';

export { RegistryError };

/** An image found in the registry: its top digest, its labels, and the platforms it holds. */
export interface RemoteImage {
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The first platform's architecture (single-platform images: the only one). */
  readonly architecture: string;
  readonly platforms: readonly string[];
}

/** One platform's image: its manifest (and digest) and its config. */
export interface PlatformImage {
  readonly digest: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

/** Bigger uploads (layers) get longer than a call. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** A small client for one registry. */
export class RegistryClient {
  private readonly http: RegistryHttp;

  constructor(
    target: RegistryTarget,
    credentials: Credentials | undefined,
    extraCaPem: string | undefined,
    timeoutMs = 10_000,
  ) {
    this.http = new RegistryHttp(target, credentials, extraCaPem, timeoutMs);
  }

  get hostPort(): string {
    return this.http.target.hostPort;
  }

  /** Checks that `/v2/` answers and accepts our credentials; throws RegistryError otherwise. */
  async ping(): Promise<void> {
    await this.http.call('/v2/', { scopes: ['registry:catalog:*'] });
  }

  /** A manifest or index by tag or digest, as the registry stores it; undefined when there is none. */
  async manifest(
    repository: string,
    reference: string,
  ): Promise<{ mediaType: string; body: Buffer; digest: string } | undefined> {
    const answer = await this.http.call(`/v2/${repository}/manifests/${encodeURIComponent(reference)}`, {
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pull(repository)],
      answers: [404],
    });
    if (answer.status === 404) return undefined;
    const parsed = JSON.parse(answer.body.toString('utf8')) as { mediaType?: string };
    const mediaType = parsed.mediaType ?? answer.headers['content-type'] ?? MEDIA_TYPES.manifest;
    return { mediaType, body: answer.body, digest: answer.digest };
  }

  /**
   * The image for `platform` behind a tag or digest: from an index, the entry for that platform; a plain manifest
   * only when its config is of that platform. Undefined when the reference or the platform is not there.
   */
  async platformImage(repository: string, reference: string, platform: string): Promise<PlatformImage | undefined> {
    const top = await this.manifest(repository, reference);
    if (top === undefined) return undefined;
    if (isIndex(top.mediaType)) {
      const index = JSON.parse(top.body.toString('utf8')) as ImageIndex;
      const entry = index.manifests.find((item) => item.platform && platformOf(item.platform) === platform);
      return entry === undefined ? undefined : this.platformImage(repository, entry.digest, platform);
    }
    const manifest = JSON.parse(top.body.toString('utf8')) as ImageManifest;
    const config = await this.config(repository, manifest);
    return platformOf(config) === platform ? { digest: top.digest, manifest, config } : undefined;
  }

  /** Returns the image `repository:tag` with the platforms it holds, or undefined when the registry does not have it. */
  async findImage(repository: string, tag: string): Promise<RemoteImage | undefined> {
    const top = await this.manifest(repository, tag);
    if (top === undefined) return undefined;
    let first: ImageManifest;
    let platforms: string[];
    if (isIndex(top.mediaType)) {
      const index = JSON.parse(top.body.toString('utf8')) as ImageIndex;
      const entry = index.manifests[0];
      if (entry === undefined) return undefined;
      const child = await this.manifest(repository, entry.digest);
      first = JSON.parse(child?.body.toString('utf8') ?? '{}') as ImageManifest;
      platforms = index.manifests.flatMap((item) => (item.platform ? [platformOf(item.platform)] : []));
    } else {
      first = JSON.parse(top.body.toString('utf8')) as ImageManifest;
      platforms = [];
    }
    const config = await this.config(repository, first);
    return {
      digest: top.digest,
      labels: config.config?.Labels ?? {},
      architecture: config.architecture,
      platforms: platforms.length > 0 ? platforms : [platformOf(config)],
    };
  }

  /** Whether the repository holds the blob. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const answer = await this.http.call(`/v2/${repository}/blobs/${digest}`, {
      method: 'HEAD',
      scopes: [pull(repository)],
      answers: [404],
    });
    return answer.status !== 404;
  }

  /** Makes a blob of `from` part of `repository` without moving its bytes; false when the registry declined. */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const answer = await this.http.call(`/v2/${repository}/blobs/uploads/?${query}`, {
      method: 'POST',
      scopes: [push(repository), pull(from)],
      answers: [201, 202],
    });
    return answer.status === 201;
  }

  /** Uploads a blob (from memory or a file) in one request, unless the repository holds it already. */
  async uploadBlob(repository: string, digest: string, content: Buffer | string): Promise<void> {
    if (await this.hasBlob(repository, digest)) return;
    const start = await this.http.call(`/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      scopes: [push(repository)],
      answers: [202],
    });
    const location = start.headers.location;
    if (location === undefined)
      throw new RegistryError('protocol', `the registry gave no upload location for ${digest}`);
    const url = new URL(location, `${this.http.target.apiBase}/`);
    url.searchParams.set('digest', digest);
    const body = typeof content === 'string' ? await readFile(content) : content;
    await this.http.call(url.href, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
      scopes: [push(repository)],
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
  }

  /** A blob's bytes (configs: small). */
  async blob(repository: string, digest: string): Promise<Buffer> {
    return (await this.http.call(`/v2/${repository}/blobs/${digest}`, { scopes: [pull(repository)] })).body;
  }

  /** Stores a manifest or index under a tag or its digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, mediaType: string, body: Buffer): Promise<string> {
    const answer = await this.http.call(`/v2/${repository}/manifests/${encodeURIComponent(reference)}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body,
      scopes: [push(repository)],
    });
    return answer.headers['docker-content-digest'] ?? answer.digest;
  }

  /** Releases the connections. */
  /** The tags of a repository; none when the repository does not exist. */
  async tags(repository: string): Promise<string[]> {
    const answer = await this.http.call(`/v2/${repository}/tags/list?n=10000`, {
      scopes: [pull(repository)],
      answers: [404],
    });
    if (answer.status === 404) return [];
    return (JSON.parse(answer.body.toString('utf8')) as { tags?: string[] | null }).tags ?? [];
  }

  /** Deletes a manifest by digest: false when the registry does not allow deletion (405, or 403 for the scope). */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    try {
      const answer = await this.http.call(`/v2/${repository}/manifests/${digest}`, {
        method: 'DELETE',
        scopes: [`repository:${repository}:delete`],
        answers: [404, 405],
      });
      return answer.status === 202 || answer.status === 404;
    } catch (error) {
      // Credentials that may push but not delete: the same as a registry that deletes nothing.
      if (error instanceof RegistryError && error.kind === 'auth') return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async config(repository: string, manifest: ImageManifest): Promise<ImageConfig> {
    if (!manifest.config) throw new RegistryError('protocol', `a manifest in ${repository} has no config`);
    return JSON.parse((await this.blob(repository, manifest.config.digest)).toString('utf8')) as ImageConfig;
  }
}

/** A descriptor of bytes about to be uploaded. */
export function describeBlob(mediaType: string, digest: string, size: number): Descriptor {
  return { mediaType, digest, size };
}

function pull(repository: string): string {
  return `repository:${repository}:pull`;
}

function push(repository: string): string {
  return `repository:${repository}:pull,push`;
}
