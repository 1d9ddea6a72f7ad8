// Which Flower release the images get. The facts below were read from each release's wheel METADATA
// on PyPI (Requires-Python and Requires-Dist), November 2026.

import semver from 'semver';

/** What one Flower release needs from its environment. */
export interface FlwrRelease {
  readonly version: string;
  /** Requires-Python, as a semver range. */
  readonly python: string;
  /** Bounds on packages users often pin, as PEP 440 specifiers. */
  readonly requires: Readonly<Record<'numpy' | 'protobuf' | 'grpcio', string>>;
}

/** Newest first. */
export const FLWR_RELEASES: readonly FlwrRelease[] = [
  { version: '1.42.0', python: '>=3.11.0 <4.0.0', requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' } },
  { version: '1.30.0', python: '>=3.10.0 <4.0.0', requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' } },
  { version: '1.23.0', python: '>=3.9.2 <4.0.0', requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' } },
];

/** paho-mqtt for the learner's and aggregator's notifications (tested with fl-templates/tests). */
export const PAHO_MQTT_VERSION = '2.2.0';

/** The newest Flower release that supports the latest patch release of a python minor (the slim images ship that). */
export function flwrFor(python: string): string {
  const latestPatch = `${python}.99`;
  const release = semver.valid(latestPatch) ? FLWR_RELEASES.find((candidate) => semver.satisfies(latestPatch, candidate.python)) : undefined;
  if (release === undefined) throw new Error(`no Flower release is recorded for python ${python}`);
  return release.version;
}
