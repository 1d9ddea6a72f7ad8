import { createServer, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/report/logger.js';
import { MqttPublisher } from '../../../src/report/mqtt.js';
import { freePort } from '../../helpers/ports.js';

// The drain wait is far longer than the wait for a broker that is down, so a close that
// waited on a dead broker's messages one by one could not pass for the bounded one.
const TIMEOUTS = { connectMs: 300, reconnectMs: 100, drainMs: 10_000, unreachableMs: 1_000 };

function recordingLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) }), lines };
}

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe('MqttPublisher', () => {
  it('does not wait for a broker that is down: close gives up after one short wait, naming each message not delivered', async () => {
    const { log, lines } = recordingLog();
    // open() is synchronous: connecting happens in the background.
    const publisher = MqttPublisher.open({ host: '127.0.0.1', port: await freePort() }, 'unit-dead', log, TIMEOUTS);
    const deliveries = ['a', 'b', 'c'].map((name) => publisher.publish(`t/${name}`, { name }));
    const closing = performance.now();
    await publisher.close();
    expect(performance.now() - closing).toBeLessThan(TIMEOUTS.unreachableMs + 3_000);
    const notDelivered = lines.filter((line) => String(line.msg).startsWith('MQTT message not delivered'));
    expect(notDelivered.map((line) => line.topic)).toEqual(['t/a', 't/b', 't/c']);
    expect(notDelivered[0]?.payload).toBe('{"name":"a"}');
    // One line about the broker being away, not one per reconnect attempt.
    expect(lines.filter((line) => String(line.msg).startsWith('MQTT broker not reachable'))).toHaveLength(1);
    expect(await Promise.all(deliveries)).toEqual([false, false, false]);
  });

  it('gives a broker that accepts connections but never answers the same bounded wait', async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const { log, lines } = recordingLog();
    const publisher = MqttPublisher.open({ host: '127.0.0.1', port: address.port }, 'unit-silent', log, TIMEOUTS);
    void publisher.publish('t/x', { x: 1 });
    const closing = performance.now();
    await publisher.close();
    expect(performance.now() - closing).toBeLessThan(TIMEOUTS.unreachableMs + 3_000);
    expect(
      lines.some((line) => line.topic === 't/x' && String(line.msg).startsWith('MQTT message not delivered')),
    ).toBe(true);
  });

  it('closes at once when nothing is outstanding', async () => {
    const { log } = recordingLog();
    const publisher = MqttPublisher.open({ host: '127.0.0.1', port: await freePort() }, 'unit-idle', log, TIMEOUTS);
    const closing = performance.now();
    await publisher.close();
    // Less than the wait for an unreachable broker: close did not wait for one.
    expect(performance.now() - closing).toBeLessThan(TIMEOUTS.unreachableMs);
  });
});
