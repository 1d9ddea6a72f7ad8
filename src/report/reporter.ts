// One place that tells the outside world: MQTT for programs, the observer for people, logs for operators.

import type { Endpoint } from '../tables/endpoint.js';
import type { PlanName } from '../tables/phase-table.js';
import { waitAtMost } from '../time-limit.js';
import { hideInValue } from './hide-secrets.js';
import { failedLine, phaseLine, startedLine, successLine } from './lines.js';
import type { Logger } from './logger.js';
import {
  type FailedPayload,
  managerTopics,
  type PhaseEvent,
  progressTopic,
  type StartedPayload,
  type SuccessPayload,
  statusTopic,
} from './messages.js';
import { MqttPublisher } from './mqtt.js';
import { sendObserverLine } from './observer.js';

/** Where the job's events go. */
export interface Reporter {
  started(payload: StartedPayload): void;
  phase(event: PhaseEvent): void;
  success(payload: SuccessPayload): void;
  failed(payload: FailedPayload): void;
  /** Resolves once every message was acknowledged or given up on. */
  close(): Promise<void>;
}

/** After this many lines in a row that did not reach the observer, it is taken as gone and sent nothing more. */
export const OBSERVER_GIVE_UP_AFTER = 3;
/** At the end, the observer's queue gets at most this long to empty. */
const OBSERVER_CLOSE_MS = 2000;

/** Where and for whom a job reports. */
export interface ReportTarget {
  readonly plan: PlanName;
  readonly projectId: string;
  readonly mqtt: Endpoint;
  /** Undefined when unknown (a command line that did not parse): lines then go to the log only. */
  readonly observer: Endpoint | undefined;
  readonly notifications: boolean;
}

/** Opens the reporter the configuration asks for; with notifications off it only logs. */
export async function openReporter(
  config: ReportTarget,
  log: Logger,
  hide: (text: string) => string,
): Promise<Reporter> {
  const topics = managerTopics(config.plan);
  const mqtt = config.notifications
    ? MqttPublisher.open(config.mqtt, `flops-image-builder-${config.projectId}-${process.pid}`, log)
    : undefined;
  let observerQueue: Promise<unknown> = Promise.resolve();
  let observerMisses = 0;
  const toObserver = async (observer: Endpoint, line: string): Promise<void> => {
    if (observerMisses >= OBSERVER_GIVE_UP_AFTER) return;
    const delivered = await sendObserverLine(observer, line);
    observerMisses = delivered ? 0 : observerMisses + 1;
    if (observerMisses === OBSERVER_GIVE_UP_AFTER) {
      log.warn(
        { observer: config.observer },
        `The observer did not take ${OBSERVER_GIVE_UP_AFTER} lines in a row; sending it nothing more`,
      );
    }
  };
  // Lines are sent one after another so the observer sees them in order.
  const tell = (line: string): void => {
    log.debug({ observer: config.notifications }, hide(line));
    const observer = config.observer;
    if (!config.notifications || observer === undefined) return;
    observerQueue = observerQueue.then(() => toObserver(observer, hide(line)));
  };
  const publish = (topic: string, payload: object, retain = false): void => {
    void mqtt?.publish(topic, hideInValue(payload, hide), retain);
  };

  return {
    started(payload) {
      publish(topics.started, payload);
      tell(startedLine(payload));
    },
    phase(event) {
      publish(progressTopic(event.flops_project_id), event);
      tell(phaseLine(event));
    },
    success(payload) {
      publish(topics.success, payload);
      publish(statusTopic(payload.flops_project_id), { state: 'success', ...payload }, true);
      tell(successLine(payload));
    },
    failed(payload) {
      // The log is the one place every failure reaches, whatever notifications and observer are switched off.
      const { phase, code, reason, exit_code, error_msg } = payload;
      log.error({ phase, code, reason, exit_code, error_msg: hide(error_msg) }, `Failed: ${hide(error_msg)}`);
      publish(topics.failed, payload);
      publish(statusTopic(payload.flops_project_id), { state: 'failed', ...payload }, true);
      tell(failedLine(payload));
    },
    async close() {
      // Both at once: a dead observer and a dead broker cost the job one bounded wait, not two.
      await Promise.all([waitAtMost(observerQueue, OBSERVER_CLOSE_MS), mqtt?.close()]);
    },
  };
}
