import { connect, createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

// Free TCP port on 127.0.0.1, as chosen by the kernel for a throwaway listener.
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}

// `count` distinct free TCP ports on 127.0.0.1, none of them in `avoid`. Their throwaway listeners are open at the
// same time, so the kernel cannot hand out one port twice, as two freePort() calls in a row sometimes did (the demo
// test once got the same port for --git-port and --serve-port).
export async function freePorts(count: number, avoid: readonly number[] = []): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, LOOPBACK, resolve);
      });
      const address = server.address();
      if (address === null || typeof address === 'string') {
        throw new Error(`expected a TCP address from the throwaway listener, got ${JSON.stringify(address)}`);
      }
      if (!avoid.includes(address.port)) ports.push(address.port);
    }
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
  return ports;
}

// True when something accepts a TCP connection on 127.0.0.1:port right now.
export function isListening(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
