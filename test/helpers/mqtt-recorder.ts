import { connectAsync } from 'mqtt';
import { withTimeout } from './service-process.js';

// One message as the recorder saw it.
export interface RecordedMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  // The payload parsed as JSON; throws with the payload quoted when it is not JSON.
  // `any` on purpose: tests index into payloads freely and assert on the values.
  json(): any;
}

// A subscribed MQTT client that keeps every message it receives, in order.
export interface MqttRecording {
  readonly messages: readonly RecordedMessage[];
  // First message (already received or still to come) matching `pred`; rejects after timeoutMs.
  waitFor(pred: (msg: RecordedMessage) => boolean, timeoutMs?: number): Promise<RecordedMessage>;
  // Resolves once connected and subscribed; after a broker restart, once that is true again.
  subscribed(timeoutMs?: number): Promise<void>;
  // Disconnects; safe to call twice.
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

function record(topic: string, payload: Buffer, retain: boolean): RecordedMessage {
  const text = payload.toString('utf8');
  return {
    topic,
    payload: text,
    retain,
    json() {
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new Error(`MQTT payload on ${topic} is not JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause });
      }
    },
  };
}

// Connects to `url`, subscribes to `topics` (wildcards allowed, QoS 1) and records from then on,
// retained messages included. It reconnects and resubscribes by itself if the broker restarts,
// so retained messages the broker still has are recorded again then.
export async function recordMqtt(url: string, topics: string[]): Promise<MqttRecording> {
  const client = await connectAsync(
    url,
    // We resubscribe ourselves on reconnect, to know when the subscription is back.
    { connectTimeout: CONNECT_TIMEOUT_MS, reconnectPeriod: 200, resubscribe: false },
    false,
  );
  const messages: RecordedMessage[] = [];
  const waiters = new Set<(msg: RecordedMessage) => void>();
  client.on('message', (topic, payload, packet) => {
    const msg = record(topic, payload, packet.retain);
    messages.push(msg);
    for (const waiter of waiters) waiter(msg);
  });
  try {
    await withTimeout(
      client.subscribeAsync(topics, { qos: 1 }),
      CONNECT_TIMEOUT_MS,
      `subscribe to ${topics.join(', ')}`,
    );
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  // Pending while disconnected or not yet resubscribed; undefined while subscribed.
  let resubscribed: { promise: Promise<void>; resolve: () => void } | undefined;
  client.on('close', () => {
    if (resubscribed !== undefined) return;
    let resolve = (): void => {};
    const promise = new Promise<void>((done) => (resolve = done));
    resubscribed = { promise, resolve };
  });
  client.on('connect', () => {
    client.subscribeAsync(topics, { qos: 1 }).then(
      () => {
        resubscribed?.resolve();
        resubscribed = undefined;
      },
      () => undefined, // the connection dropped again; the next connect retries
    );
  });
  let closed = false;
  return {
    messages,
    waitFor(pred, timeoutMs = 10_000) {
      let waiter: ((msg: RecordedMessage) => void) | undefined;
      // A predicate that throws (say, json() on a non-JSON payload) fails the wait.
      const match = new Promise<RecordedMessage>((resolve, reject) => {
        waiter = (msg) => {
          try {
            if (pred(msg)) resolve(msg);
          } catch (error) {
            reject(error);
          }
        };
        for (const msg of messages) waiter(msg);
        waiters.add(waiter);
      });
      const topicsSeen = (): string => messages.map((m) => m.topic).join(', ') || 'none';
      return withTimeout(match, timeoutMs, `no matching MQTT message on ${topics.join(', ')}`)
        .catch((error: Error) => {
          throw new Error(`${error.message}; topics received: ${topicsSeen()}`);
        })
        .finally(() => {
          if (waiter !== undefined) waiters.delete(waiter);
        });
    },
    subscribed(timeoutMs = 10_000) {
      if (resubscribed === undefined) return Promise.resolve();
      return withTimeout(resubscribed.promise, timeoutMs, `MQTT recorder not resubscribed to ${topics.join(', ')}`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.endAsync(true);
    },
  };
}
