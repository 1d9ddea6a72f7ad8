// HTTP to one registry's v2 API (undici): Basic or Bearer-token authentication, and failures as RegistryError.

import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import type { RegistryTarget } from '../tables/registry-target.js';

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

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** One call: the token scopes it needs, and the statuses that are answers rather than failures. */
export interface RegistryCall {
  readonly method?: Dispatcher.HttpMethod;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** Token scopes, e.g. `repository:alice/mnist/learner:pull,push`. */
  readonly scopes: readonly string[];
  /** Statuses returned to the caller as they are (404 for "not there"); others above 299 throw. */
  readonly answers?: readonly number[];
  /** Longer than the default for big uploads. */
  readonly timeoutMs?: number;
}

/** What the registry answered. */
export interface RegistryAnswer {
  readonly status: number;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  /** Docker-Content-Digest, or the body's own sha256. */
  readonly digest: string;
}

/** The HTTP side of a registry client. */
export class RegistryHttp {
  private readonly dispatcher: Dispatcher;
  private authorization: string | undefined;

  constructor(
    readonly target: RegistryTarget,
    private readonly credentials: Credentials | undefined,
    extraCaPem: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {
    this.dispatcher = new Agent({
      connect: { ca: extraCaPem ? [...rootCertificates, extraCaPem] : undefined, timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs * 6,
    });
  }

  /** Sends a call, answering one authentication challenge; throws RegistryError for everything it cannot use. */
  async call(path: string, call: RegistryCall): Promise<RegistryAnswer> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await this.send(path, call);
      const body = Buffer.from(await response.body.arrayBuffer());
      if (response.statusCode === 401 && attempt === 0) {
        this.authorization = await this.authorize(String(response.headers['www-authenticate'] ?? ''), call.scopes);
        continue;
      }
      if (response.statusCode === 401 || response.statusCode === 403) {
        throw new RegistryError(
          'auth',
          `the registry ${this.target.hostPort} refused our credentials (HTTP ${response.statusCode})`,
        );
      }
      const headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : String(value),
        ]),
      );
      if (response.statusCode >= 300 && !(call.answers ?? []).includes(response.statusCode)) {
        const detail = body.toString('utf8').slice(0, 300).trim();
        throw new RegistryError(
          response.statusCode >= 500 ? 'unreachable' : 'protocol',
          `${call.method ?? 'GET'} ${path} on ${this.target.hostPort} answered HTTP ${response.statusCode}${detail ? `: ${detail}` : ''}`,
        );
      }
      const digest = headers['docker-content-digest'] ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
      return { status: response.statusCode, body, headers, digest };
    }
    throw new RegistryError('auth', `the registry ${this.target.hostPort} keeps asking for authentication`);
  }

  /** Releases the connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(path: string, call: RegistryCall): Promise<Dispatcher.ResponseData> {
    const url = /^https?:\/\//.test(path) ? path : `${this.target.apiBase}${path}`;
    try {
      return await request(url, {
        dispatcher: this.dispatcher,
        method: call.method ?? 'GET',
        body: call.body,
        headers: { ...call.headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        signal: AbortSignal.timeout(call.timeoutMs ?? this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryError(
        'unreachable',
        `cannot reach the registry at ${this.target.apiBase}: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Answers a 401 challenge: Basic with our credentials, or a Bearer token for the scopes from the realm it names. */
  private async authorize(challenge: string, scopes: readonly string[]): Promise<string> {
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
    if (!params.realm) {
      throw new RegistryError('auth', `the registry ${this.target.hostPort} sent a token challenge without a realm`);
    }
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    for (const scope of params.scope ? [params.scope] : scopes) url.searchParams.append('scope', scope);
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
