// Acknowledged MQTT publishing (QoS 1) that never hangs the job when the broker is away.

import { connect, type MqttClient } from 'mqtt';
import type { Endpoint } from '../tables/endpoint.js';
import { waitAtMost } from '../time-limit.js';
import type { Logger } from './logger.js';

/** Time limits. A broker that is down costs the job at most `unreachableMs`, once, at the end. */
export interface MqttTimeouts {
  /** One connection attempt (TCP and CONNACK); attempts repeat every `reconnectMs` in the background. */
  readonly connectMs: number;
  readonly reconnectMs: number;
  /** At the end, with the broker connected: how long to wait for the last acknowledgements. */
  readonly drainMs: number;
  /** At the end, with the broker not connected: how long to wait for it to come back. */
  readonly unreachableMs: number;
}

export const DEFAULT_MQTT_TIMEOUTS: MqttTimeouts = Object.freeze({
  connectMs: 3000,
  reconnectMs: 1000,
  drainMs: 5000,
  unreachableMs: 2000,
});

interface Pending {
  readonly topic: string;
  readonly body: string;
  readonly delivered: Promise<boolean>;
  readonly giveUp: () => void;
}

/** Publishes JSON with QoS 1, queueing while the broker is away, and says at the end what it could not deliver. */
export class MqttPublisher {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
    private readonly timeouts: MqttTimeouts,
  ) {}

  /**
   * Starts connecting and returns at once: the job never waits for the broker. Messages published before the
   * connection (or while it is lost) are queued by mqtt.js and sent when it is back.
   */
  static open(endpoint: Endpoint, clientId: string, log: Logger, timeouts = DEFAULT_MQTT_TIMEOUTS): MqttPublisher {
    const client = connect({
      host: endpoint.host.replace(/^\[|\]$/g, ''),
      port: endpoint.port,
      protocol: 'mqtt',
      clientId,
      clean: true,
      connectTimeout: timeouts.connectMs,
      reconnectPeriod: timeouts.reconnectMs,
    });
    // One line when the broker goes away and one when it is back, not one per reconnect attempt.
    let away = false;
    const wentAway = (reason: string): void => {
      if (away) return;
      away = true;
      log.warn(
        { broker: endpoint, reason },
        'MQTT broker not reachable; messages are queued and retried until the job ends',
      );
    };
    // Without an error listener, mqtt.js would throw connection errors as uncaught exceptions.
    client.on('error', (error) => wentAway(error.message));
    client.on('offline', () => wentAway('offline'));
    client.on('connect', () => {
      if (away) log.info({ broker: endpoint }, 'MQTT broker reachable again');
      away = false;
    });
    return new MqttPublisher(client, log, timeouts);
  }

  /** Publishes one JSON payload; resolves true once the broker acknowledged it, false if it never did. */
  publish(topic: string, payload: unknown, retain = false): Promise<boolean> {
    const body = JSON.stringify(payload);
    const id = this.nextId++;
    let giveUp: () => void = () => undefined;
    const delivered = new Promise<boolean>((resolve) => {
      giveUp = () => resolve(false);
      this.client.publish(topic, body, { qos: 1, retain }, (error) => {
        if (!error) this.pending.delete(id);
        resolve(!error);
      });
    });
    this.pending.set(id, { topic, body, delivered, giveUp });
    return delivered;
  }

  /** Waits (boundedly) for the broker to acknowledge what is outstanding, logs what it did not, and disconnects. */
  async close(): Promise<void> {
    if (this.pending.size > 0 && !this.client.connected) {
      await waitAtMost(new Promise((resolve) => this.client.once('connect', resolve)), this.timeouts.unreachableMs);
    }
    if (this.pending.size > 0 && this.client.connected) {
      await waitAtMost(
        Promise.allSettled([...this.pending.values()].map((message) => message.delivered)),
        this.timeouts.drainMs,
      );
    }
    for (const { topic, body, giveUp } of this.pending.values()) {
      this.log.warn(
        { topic, payload: body },
        'MQTT message not delivered: the broker did not acknowledge it before the job ended',
      );
      giveUp();
    }
    await this.client.endAsync(true);
  }
}
