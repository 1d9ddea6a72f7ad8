// The embedded defaults the FLOps manager would otherwise provide, on 127.0.0.1: mosquitto, a registry, an observer,
// an MLflow 2.x tracking server and the Arrow Flight ML data server.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { isListening, waitUntil } from './processes.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The ports among `ports` ({option: port}) that something already listens on, as readable lines. */
export async function busyPorts(ports) {
  const busy = [];
  for (const [option, port] of Object.entries(ports)) {
    if (await isListening(port)) busy.push(`port ${port} (--${option}) is in use on 127.0.0.1`);
  }
  return busy;
}

export async function startMosquitto(processes, dir, port) {
  const config = join(dir, 'mosquitto.conf');
  await writeFile(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nuser root\n`);
  const service = processes.service('mosquitto', '/usr/sbin/mosquitto', ['-c', config]);
  await waitUntil(`mosquitto listens on ${port}`, () => isListening(port), { service });
  return `127.0.0.1:${port}`;
}

/** A distribution registry whose storage is in the cache folder, so that images outlive the run. */
export async function startRegistry(processes, dir, storage, port) {
  await mkdir(storage, { recursive: true });
  const config = join(dir, 'registry.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${storage} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}", secret: flops-demo }`,
      '',
    ].join('\n'),
  );
  const service = processes.service('registry', '/usr/bin/docker-registry', ['serve', config]);
  const url = `http://127.0.0.1:${port}`;
  const answers = () =>
    fetch(`${url}/v2/`).then(
      (r) => r.status === 200,
      () => false,
    );
  await waitUntil(`the registry answers on ${port}`, answers, { service });
  return url;
}

/** git daemon serving the bare repos under `base`. */
export async function startGitDaemon(processes, base, port) {
  const args = ['--reuseaddr', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`];
  const service = processes.service('git-daemon', '/usr/lib/git-core/git-daemon', args);
  await waitUntil(`git daemon listens on ${port}`, () => isListening(port), { service });
  return (name) => `git://127.0.0.1:${port}/${name}.git`;
}

/** The Arrow Flight ML data server serving the parquet files of `dataDir` by tag. */
export async function startDataServer(processes, python, dataDir, port) {
  const script = join(ROOT, 'scripts/servers/flight_data_server.py');
  const service = processes.service('data-server', python, [script, '--port', String(port), '--data-dir', dataDir]);
  await waitUntil(`the data server listens on ${port}`, () => isListening(port), { service });
  return `127.0.0.1:${port}`;
}

/** MLflow 2.x (sqlite, served artifacts) keeping its runs in `dir`; its venv is made once in the cache. */
export async function startMlflow(processes, python, dir, cache, port) {
  const script = join(ROOT, 'scripts/servers/mlflow_server.py');
  const env = { ...process.env, FLOPS_TEST_CACHE: cache };
  const service = processes.service('mlflow', python, [script, '--port', String(port), '--dir', dir], { env });
  const url = `http://127.0.0.1:${port}`;
  const healthy = () =>
    fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
  await waitUntil(`MLflow answers on ${port}`, healthy, { service, timeoutMs: 600_000 });
  return url;
}

/** The observer: hands each message (one a connection) to `onLine` as it comes. */
export async function startObserver(port, onLine) {
  const server = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (text.trim() !== '') onLine(text.trim());
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { address: `127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Records what the images and the builder publish; `waitFor` finds a message already come or still to come. */
export async function recordMqtt(brokerAddress) {
  const client = await mqtt.connectAsync(`mqtt://${brokerAddress}`, { reconnectPeriod: 500 });
  const messages = [];
  const waiters = new Set();
  client.on('message', (topic, payload) => {
    let json = null;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      // Not JSON: kept with json null.
    }
    const message = { topic, json };
    messages.push(message);
    for (const waiter of waiters) waiter(message);
  });
  await client.subscribeAsync(['flops_manager/#']);
  return {
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const found = messages.find(predicate);
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching MQTT message within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        const waiter = (message) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(message);
        };
        waiters.add(waiter);
      });
    },
    close: () => client.endAsync(true),
  };
}
