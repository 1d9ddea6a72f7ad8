// The registry argument: where images go, and whether that registry speaks TLS.

import { isValidHost, parsePort } from './endpoint.js';

/** A registry as buildah and the v2 API address it. */
export interface RegistryTarget {
  /** `host` or `host:port`, the prefix of every image name pushed there. */
  readonly hostPort: string;
  /** false only for an explicit `http://` URL: plain HTTP, no TLS verification. */
  readonly tls: boolean;
  /** Base URL of the v2 API, e.g. `https://registry:5000`. */
  readonly apiBase: string;
}

/** Parses `http://host:port`, `https://host[:port]` or a bare `host[:port]` (TLS); returns a problem as a string. */
export function parseRegistryTarget(text: string): RegistryTarget | string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    return `the scheme "${scheme}" is not supported; use http://, https:// or a bare host:port`;
  }
  const tls = scheme !== 'http';
  const rest = scheme === undefined ? text : text.slice(scheme.length + 3);
  const hostPort = rest.replace(/\/+$/, '');
  const match = /^(\[[^\]]+\]|[^:/]+)(?::([^:/]+))?$/.exec(hostPort);
  if (!match) return 'expected host or host:port, optionally after http:// or https://, with no path';
  const [, host = '', portText] = match;
  if (!isValidHost(host)) return 'the host must be a DNS name or an IP address';
  if (portText !== undefined && parsePort(portText) === undefined) return 'the port must be a number from 1 to 65535';
  return { hostPort, tls, apiBase: `${tls ? 'https' : 'http'}://${hostPort}` };
}
