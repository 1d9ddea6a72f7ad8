import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OBSERVER_MAX_BYTES, sendObserverLine, truncateUtf8 } from '../../../src/report/observer.js';

describe('truncateUtf8', () => {
  it.each([
    ['short', 10, 'short'],
    ['abcdef', 3, 'abc'],
    ['aé', 2, 'a'], // é is 2 bytes
    ['aé', 3, 'aé'],
    ['a€', 3, 'a'], // € is 3 bytes
    ['a€', 2, 'a'],
    ['😀😀', 7, '😀'], // 😀 is 4 bytes
    ['😀', 3, ''],
    ['', 0, ''],
  ])('%j to %i bytes → %j', (text, maxBytes, expected) => {
    expect(truncateUtf8(text, maxBytes).toString('utf8')).toBe(expected);
  });

  it.each([['é'], ['€'], ['😀'], ['a€😀é']])('never splits %j, at any cut, within 1024 bytes', (character) => {
    const text = character.repeat(600);
    for (let maxBytes = OBSERVER_MAX_BYTES - 4; maxBytes <= OBSERVER_MAX_BYTES; maxBytes += 1) {
      const bytes = truncateUtf8(text, maxBytes);
      expect(bytes.length).toBeLessThanOrEqual(maxBytes);
      expect(bytes.length).toBeGreaterThan(maxBytes - 4);
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    }
  });
});

describe('sendObserverLine', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  // Listens on 127.0.0.1 and resolves each connection's text once the sender closes it.
  async function listen(): Promise<{ port: number; received: Promise<Buffer> }> {
    let deliver: (text: Buffer) => void = () => undefined;
    const received = new Promise<Buffer>((resolve) => (deliver = resolve));
    server = createServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => {
        deliver(Buffer.concat(chunks));
        socket.end();
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return { port: address.port, received };
  }

  it.each([
    ['[p1] clone started', '[p1] clone started\n'],
    ['already ends with a newline\n', 'already ends with a newline\n'],
    ['ünïcode € 😀', 'ünïcode € 😀\n'],
  ])('delivers %j as %j', async (text, expected) => {
    const { port, received } = await listen();
    expect(await sendObserverLine({ host: '127.0.0.1', port }, text)).toBe(true);
    expect((await received).toString('utf8')).toBe(expected);
  });

  it('delivers at most 1024 bytes of a long line, whole characters only', async () => {
    const { port, received } = await listen();
    expect(await sendObserverLine({ host: '127.0.0.1', port }, '€'.repeat(1000))).toBe(true);
    const bytes = await received;
    expect(bytes.length).toBe(1023);
    expect(bytes.toString('utf8')).toBe('€'.repeat(341));
  });

  it('returns false, fast, when nothing listens', async () => {
    const { port } = await listen();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const started = performance.now();
    expect(await sendObserverLine({ host: '127.0.0.1', port }, 'nobody hears this', 5000)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
