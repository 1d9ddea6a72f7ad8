// Readable progress lines to the observer: one TCP connection per message, best effort.

import { connect } from 'node:net';
import type { Endpoint } from '../tables/endpoint.js';

/** The observer reads at most this many bytes of a message. */
export const OBSERVER_MAX_BYTES = 1024;
const DEFAULT_TIMEOUT_MS = 1500;

/** Cuts a text to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

/** Sends one line; resolves true when delivered, false otherwise. Never rejects. */
export function sendObserverLine(endpoint: Endpoint, text: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  const payload = truncateUtf8(text.endsWith('\n') ? text : `${text}\n`, OBSERVER_MAX_BYTES);
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host.replace(/^\[|\]$/g, ''), port: endpoint.port });
    const finish = (delivered: boolean): void => {
      socket.destroy();
      resolve(delivered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.end(payload, () => finish(true)));
  });
}
