import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, isListening, LOOPBACK } from './ports.js';
import { type ServiceProcess, spawnService } from './service-process.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { waitUntilReady } from './wait.js';

const MOSQUITTO = '/usr/sbin/mosquitto';

// A running anonymous MQTT broker on loopback.
export interface TestBroker {
  readonly host: string;
  readonly port: number;
  // mqtt://127.0.0.1:port
  readonly url: string;
  // Stops the broker, waits for it to exit and removes its files; safe to call twice.
  stop(): Promise<void>;
  // Starts it again on the same port (stopping it first if it runs); for broker-outage tests.
  restart(): Promise<void>;
}

// Starts mosquitto on a free loopback port and waits until it accepts connections.
export async function startMosquitto(): Promise<TestBroker> {
  const port = await freePort();
  let running: { service: ServiceProcess; dir: string } | undefined;
  const stop = async (): Promise<void> => {
    if (running === undefined) return;
    const { service, dir } = running;
    running = undefined;
    await service.stop();
    await removeTempDir(dir);
  };
  const start = async (): Promise<void> => {
    const dir = await makeTempDir('mosquitto');
    const configPath = join(dir, 'mosquitto.conf');
    const config = [
      `listener ${port} ${LOOPBACK}`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      // Run as root, mosquitto would switch to its own user, and changing credentials clears
      // the parent-death signal that kills it when a test worker crashes.
      'user root',
    ];
    await writeFile(configPath, `${config.join('\n')}\n`);
    const service = spawnService('mosquitto', MOSQUITTO, ['-c', configPath], { cwd: dir });
    running = { service, dir };
    try {
      await waitUntilReady(service, `port ${port} accepts connections`, () => isListening(port));
    } catch (error) {
      await stop();
      throw error;
    }
  };
  await start();
  return {
    host: LOOPBACK,
    port,
    url: `mqtt://${LOOPBACK}:${port}`,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
