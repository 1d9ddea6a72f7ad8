// Acknowledged MQTT publishing (QoS 1) that never hangs the job when the broker is away.

import { connect, type MqttClient } from 'mqtt';
import type { Endpoint } from '../config/endpoint.js';
import type { Logger } from './logger.js';

/** Time limits; a dead broker costs at most about `connectMs` at start and `publishMs` per message. */
export interface MqttTimeouts {
  readonly connectMs: number;
  readonly publishMs: number;
}

const DEFAULT_TIMEOUTS: MqttTimeouts = { connectMs: 5000, publishMs: 10000 };

/** Publishes JSON with QoS 1 and remembers what the broker has not acknowledged. */
export class MqttPublisher {
  private readonly pending = new Set<Promise<boolean>>();

  private constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
    private readonly timeouts: MqttTimeouts,
  ) {}

  /** Connects, waiting at most `connectMs`; on failure the client keeps retrying in the background. */
  static async open(endpoint: Endpoint, clientId: string, log: Logger, timeouts = DEFAULT_TIMEOUTS): Promise<MqttPublisher> {
    const client = connect({
      host: endpoint.host.replace(/^\[|\]$/g, ''),
      port: endpoint.port,
      protocol: 'mqtt',
      clientId,
      clean: true,
      connectTimeout: timeouts.connectMs,
      reconnectPeriod: 1000,
    });
    // Without a listener, mqtt.js would throw connection errors as uncaught exceptions.
    client.on('error', (error) => log.warn({ err: error.message }, 'MQTT connection error'));
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeouts.connectMs);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) log.warn({ broker: endpoint }, 'MQTT broker not reachable yet; messages are queued and retried');
    return new MqttPublisher(client, log, timeouts);
  }

  /** Publishes one JSON payload; resolves true once the broker acknowledged it, false when it did not in time. */
  publish(topic: string, payload: unknown, retain = false): Promise<boolean> {
    const body = JSON.stringify(payload);
    const delivery = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({ topic, payload: body }, 'MQTT message not acknowledged in time; it was not delivered');
        resolve(false);
      }, this.timeouts.publishMs);
      this.client.publish(topic, body, { qos: 1, retain }, (error) => {
        clearTimeout(timer);
        if (error) this.log.warn({ topic, err: error.message, payload: body }, 'MQTT publish failed; the message was not delivered');
        resolve(!error);
      });
    });
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
    return delivery;
  }

  /** Waits for outstanding acknowledgements (each bounded by `publishMs`), then disconnects. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.client.endAsync(true);
  }
}
