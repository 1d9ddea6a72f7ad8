import { createServer, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';
import { withTimeout } from './service-process.js';

// The builder sends at most 1024 bytes a connection; keeping far more lets tests see it overstep.
const MAX_MESSAGE_BYTES = 64 * 1024;

// A TCP listener that stands in for the observer: each connection's text is one entry.
export interface TestObserver {
  readonly host: string;
  readonly port: number;
  // One entry per closed connection, in the order they closed.
  readonly lines: readonly string[];
  // First entry (already received or still to come) matching `pred`; rejects after timeoutMs.
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  // Stops listening and drops open connections; safe to call twice.
  close(): Promise<void>;
}

// Starts the observer stand-in on a free loopback port.
export async function startObserver(): Promise<TestObserver> {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<(line: string) => void>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    let size = 0;
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      if (size === 0) return; // a bare connect (a port probe) is no message
      const line = Buffer.concat(chunks).toString('utf8');
      lines.push(line);
      for (const waiter of waiters) waiter(line);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('observer listener has no TCP address');
  let closed = false;
  return {
    host: LOOPBACK,
    port: address.port,
    lines,
    waitFor(pred, timeoutMs = 10_000) {
      let waiter: ((line: string) => void) | undefined;
      const match = new Promise<string>((resolve) => {
        waiter = (line) => {
          if (pred(line)) resolve(line);
        };
        for (const line of lines) waiter(line);
        waiters.add(waiter);
      });
      return withTimeout(match, timeoutMs, `observer got no matching message (got ${lines.length})`).finally(() => {
        if (waiter !== undefined) waiters.delete(waiter);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
