// Which Flower release the images get, by python minor. Facts read from each release's metadata on PyPI.

/** The pinned Flower release for each supported python minor, and the paho-mqtt the runtime uses. */
export const FLWR_BY_PYTHON: Readonly<Record<string, string>> = Object.freeze({
  '3.9': '1.22.0',
  '3.10': '1.42.0',
  '3.11': '1.42.0',
  '3.12': '1.42.0',
});

/** paho-mqtt for the learner's and aggregator's notifications. */
export const PAHO_MQTT_VERSION = '2.1.0';

/** The Flower release for a python minor. */
export function flwrFor(python: string): string {
  const version = FLWR_BY_PYTHON[python];
  if (version === undefined) throw new Error(`no Flower release is recorded for python ${python}`);
  return version;
}
