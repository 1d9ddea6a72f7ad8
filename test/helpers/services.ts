// The real parts a pipeline test needs, started together and stopped together.

import { ensureBaseImage } from './base-image.js';
import { startGitDaemon, type TestGitDaemon } from './git-daemon.js';
import { startMosquitto, type TestBroker } from './mosquitto.js';
import { type MqttRecording, recordMqtt } from './mqtt-recorder.js';
import { startObserver, type TestObserver } from './observer.js';
import { startRegistry, type TestRegistry } from './registry.js';

/** Broker, registry (holding the python base image), git daemon, observer, and a recorder of every builder topic. */
export interface PipelineServices {
  readonly broker: TestBroker;
  readonly registry: TestRegistry;
  readonly git: TestGitDaemon;
  readonly observer: TestObserver;
  readonly mqtt: MqttRecording;
  /** The python base image in the test registry. */
  readonly baseImage: string;
  stop(): Promise<void>;
}

/** Starts every service; on failure, stops what already started. */
export async function startPipelineServices(): Promise<PipelineServices> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const broker = await startMosquitto();
    stops.push(() => broker.stop());
    const registry = await startRegistry();
    stops.push(() => registry.stop());
    const git = await startGitDaemon();
    stops.push(() => git.stop());
    const observer = await startObserver();
    stops.push(() => observer.close());
    const mqtt = await recordMqtt(broker.url, ['flops_manager/#', 'flops/#']);
    stops.push(() => mqtt.close());
    const baseImage = await ensureBaseImage(registry);
    const stop = async (): Promise<void> => {
      for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
    };
    return { broker, registry, git, observer, mqtt, baseImage, stop };
  } catch (error) {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
    throw error;
  }
}

/** The positional arguments and options for a builder run against these services. */
export function builderArgs(
  services: PipelineServices,
  repoUrl: string,
  projectId: string,
  extra: readonly string[] = [],
): string[] {
  return [
    repoUrl,
    services.registry.url,
    projectId,
    '127.0.0.1',
    String(services.broker.port),
    `127.0.0.1:${services.observer.port}`,
    '--base-image',
    services.baseImage,
    ...extra,
  ];
}
