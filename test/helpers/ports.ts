import { connect, createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

// Free TCP port on 127.0.0.1, as chosen by the kernel for a throwaway listener.
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error(`expected a TCP address from the throwaway listener, got ${JSON.stringify(address)}`);
  }
  return address.port;
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
