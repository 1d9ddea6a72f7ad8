// Parsing of `host[:port]` arguments (MQTT broker, observer, registry).

/** A host and port to connect to. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_BRACKETED = /^\[([0-9A-Fa-f:.]+)\]$/;

/** Parses a port number; undefined when it is not an integer from 1 to 65535. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** True for a DNS name, an IPv4 address or a bracketed IPv6 address. */
export function isValidHost(host: string): boolean {
  return HOSTNAME.test(host) || IPV6_BRACKETED.test(host);
}

/**
 * Parses `host`, `host:port` or `[v6]:port`.
 * Returns a description of the problem instead of throwing, so config can report every bad argument at once.
 */
export function parseEndpoint(text: string, defaultPort: number): Endpoint | string {
  const match = /^(\[[^\]]+\]|[^:]+)(?::([^:]*))?$/.exec(text);
  if (!match) return 'expected host or host:port';
  const [, host = '', portText] = match;
  if (!isValidHost(host)) return 'the host must be a DNS name or an IP address';
  if (portText === undefined) return { host, port: defaultPort };
  const port = parsePort(portText);
  return port === undefined ? 'the port must be a number from 1 to 65535' : { host, port };
}

/** Formats an endpoint back to `host:port`. */
export function formatEndpoint(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}
