// The Flower releases the builder knows, as data: what each needs from its environment (the choice is in flwr-releases.ts).

/** The packages whose bounds in Flower's requirements most often clash with an ML repo's pins. */
export const FLWR_PINNED = ['numpy', 'protobuf', 'grpcio'] as const;
export type FlwrPinned = (typeof FLWR_PINNED)[number];

/** What one Flower release needs from its environment. */
export interface FlwrRelease {
  readonly version: string;
  /** Requires-Python, PEP 440. */
  readonly python: string;
  /** Requires-Dist bounds of the packages users often pin, PEP 440. */
  readonly requires: Readonly<Record<FlwrPinned, string>>;
}

/**
 * The newest patch release of every Flower minor from 1.6 (the oldest the FL components in fl-templates
 * work with) to 1.42, newest first. Read from each wheel's METADATA (Requires-Python, Requires-Dist) on
 * PyPI with `pip install --dry-run --no-deps --only-binary=:all: --report flwr==X` (November 2026).
 * Add a row for a new release the same way.
 */
export const FLWR_RELEASES: readonly FlwrRelease[] = [
  {
    version: '1.42.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.41.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.40.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.39.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.38.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.37.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.36.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.35.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.34.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.33.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.32.1',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.31.0',
    python: '>=3.11,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.30.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.29.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.28.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.27.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.26.1',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.25.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.24.0',
    python: '>=3.10,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=5.28.0,<7.0.0', grpcio: '>=1.70.0,<2.0.0' },
  },
  {
    version: '1.23.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.22.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.21.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.20.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.19.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.18.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.17.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.16.0',
    python: '>=3.9.2,<4.0.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.15.2',
    python: '>=3.9,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.21.6,<5.0.0', grpcio: '>=1.62.3,<2.0.0,!=1.65.0' },
  },
  {
    version: '1.14.0',
    python: '>=3.9,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0,!=1.64.2,<=1.64.3' },
  },
  {
    version: '1.13.1',
    python: '>=3.9,<4.0',
    requires: { numpy: '>=1.26.0,<3.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0,!=1.64.2,<=1.64.3' },
  },
  {
    version: '1.12.0',
    python: '>=3.9,<4.0',
    requires: {
      numpy: '>=1.21.0,<2.0.0',
      protobuf: '>=4.25.2,<5.0.0',
      grpcio: '>=1.60.0,<2.0.0,!=1.64.2,!=1.65.1,!=1.65.2,!=1.65.4,!=1.65.5,!=1.66.0,!=1.66.1',
    },
  },
  {
    version: '1.11.1',
    python: '>=3.8,<4.0',
    requires: {
      numpy: '>=1.21.0,<2.0.0',
      protobuf: '>=4.25.2,<5.0.0',
      grpcio: '>=1.60.0,<2.0.0,!=1.64.2,!=1.65.1,!=1.65.2,!=1.65.4',
    },
  },
  {
    version: '1.10.0',
    python: '>=3.8,<4.0',
    requires: { numpy: '>=1.21.0,<2.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0,!=1.64.2,!=1.65.1' },
  },
  {
    version: '1.9.0',
    python: '>=3.8,<4.0',
    requires: { numpy: '>=1.21.0,<2.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0' },
  },
  {
    version: '1.8.0',
    python: '>=3.8,<4.0',
    requires: { numpy: '>=1.21.0,<2.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0' },
  },
  {
    version: '1.7.0',
    python: '>=3.8,<4.0',
    requires: { numpy: '>=1.21.0,<2.0.0', protobuf: '>=4.25.2,<5.0.0', grpcio: '>=1.60.0,<2.0.0' },
  },
  {
    version: '1.6.0',
    python: '>=3.8,<4.0',
    requires: { numpy: '>=1.21.0,<2.0.0', protobuf: '>=3.19.0,<4.0.0', grpcio: '>=1.48.2,<2.0.0,!=1.52.0' },
  },
];

/** paho-mqtt for the learner's and aggregator's notifications (tested with fl-templates/tests). */
export const PAHO_MQTT_VERSION = '2.2.0';
