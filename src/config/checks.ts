// Checks the config readers share; each problem names the argument and quotes its value, as the others do.

import { type Endpoint, parseEndpoint, parsePort } from '../tables/endpoint.js';
import { DEFAULT_MQTT_PORT } from './defaults.js';
import type { OptionName } from './options.js';
import type { Problem } from './values.js';

/** An option's value when it was given as text. */
export type OptionText = (name: OptionName) => string | undefined;

const PROJECT_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** Whether a project id is safe in image names, topics and paths. */
export const isProjectId = (text: string | undefined): text is string =>
  text !== undefined && PROJECT_ID.test(text) && !text.includes('..');
// Refs and image references are passed to git and buildah: a leading "-" would read as an option.
export const SAFE_VALUE = /^[^-\s][^\s]*$/;

/** The broker's endpoint from mqtt_ip and, in the first form, mqtt_port; undefined (and a problem) when unusable. */
export function parseBroker(
  brokerText: string,
  portText: string | undefined,
  problems: string[],
): Endpoint | undefined {
  const broker = parseEndpoint(brokerText, DEFAULT_MQTT_PORT);
  if (typeof broker === 'string') {
    problems.push(`mqtt_ip "${brokerText}": ${broker}`);
    return undefined;
  }
  if (portText === undefined) return broker;
  const port = parsePort(portText);
  if (port === undefined) {
    problems.push(`mqtt_port "${portText}": must be a number from 1 to 65535`);
    return undefined;
  }
  const brokerNamesPort = /^(\[[^\]]+\]|[^:[]+):/.test(brokerText);
  if (brokerNamesPort && broker.port !== port) {
    problems.push(`mqtt_ip "${brokerText}" and mqtt_port "${portText}" name different ports; give one`);
    return undefined;
  }
  return { host: broker.host, port };
}

/** Whether a value parser gave a problem rather than a value. */
export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}
