// What the big ML frameworks need: which python minors each release has wheels for, and what tensorflow pins of Flower's packages.

import { architectureInfo } from '../platforms.js';
import type { FlwrPinned } from './flwr-release-table.js';
import { intersects } from './pep440.js';
import { evaluateMarker } from './pep508-marker.js';
import { parseRequirement } from './pep508-requirement.js';

/** One minor series of a framework: the python minors it has Linux wheels for, and its bounds on Flower's packages. */
export interface FrameworkSeries {
  /** `2.15` stands for every 2.15.x release. */
  readonly series: string;
  readonly pythonMin: string;
  readonly pythonMax: string;
  readonly requires?: Readonly<Partial<Record<FlwrPinned, string>>>;
}

// tensorflow's Requires-Dist on protobuf (the same in every release 2.12 to 2.19 but the upper bound).
const TF_PROTOBUF_EXCLUDED = '!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5';

/**
 * Read from PyPI: python minors from the releases `pip index versions tensorflow --python-version X.Y
 * --only-binary=:all:` lists for Linux x86_64; bounds from the METADATA of each series' newest release
 * (`pip install --dry-run --no-deps --report`). 2.16 and 2.17 ask numpy>=1.26.0 on python 3.12.
 */
export const TENSORFLOW_SERIES: readonly FrameworkSeries[] = [
  { series: '2.8', pythonMin: '3.8', pythonMax: '3.10' },
  { series: '2.9', pythonMin: '3.8', pythonMax: '3.10' },
  { series: '2.10', pythonMin: '3.8', pythonMax: '3.10' },
  { series: '2.11', pythonMin: '3.8', pythonMax: '3.10' },
  {
    series: '2.12',
    pythonMin: '3.8',
    pythonMax: '3.11',
    requires: {
      numpy: '>=1.22,<=1.24.3',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.13',
    pythonMin: '3.8',
    pythonMax: '3.11',
    requires: {
      numpy: '>=1.22,<=1.24.3',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.14',
    pythonMin: '3.9',
    pythonMax: '3.11',
    requires: {
      numpy: '>=1.23.5,<2.0.0',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.15',
    pythonMin: '3.9',
    pythonMax: '3.11',
    requires: {
      numpy: '>=1.23.5,<2.0.0',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.16',
    pythonMin: '3.9',
    pythonMax: '3.12',
    requires: {
      numpy: '>=1.23.5,<2.0.0',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.17',
    pythonMin: '3.9',
    pythonMax: '3.12',
    requires: {
      numpy: '>=1.23.5,<2.0.0',
      protobuf: `>=3.20.3,<5.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.18',
    pythonMin: '3.9',
    pythonMax: '3.12',
    requires: {
      numpy: '>=1.26.0,<2.1.0',
      protobuf: `>=3.20.3,<6.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.19',
    pythonMin: '3.9',
    pythonMax: '3.12',
    requires: {
      numpy: '>=1.26.0,<2.2.0',
      protobuf: `>=3.20.3,<6.0.0dev,${TF_PROTOBUF_EXCLUDED}`,
      grpcio: '>=1.24.3,<2.0',
    },
  },
  {
    series: '2.20',
    pythonMin: '3.9',
    pythonMax: '3.13',
    requires: { numpy: '>=1.26.0', protobuf: '>=5.28.0', grpcio: '>=1.24.3,<2.0' },
  },
  {
    series: '2.21',
    pythonMin: '3.10',
    pythonMax: '3.13',
    requires: { numpy: '>=1.26.0', protobuf: '>=6.31.1,<8.0.0', grpcio: '>=1.24.3,<2.0' },
  },
];

/** Read like TENSORFLOW_SERIES, from `pip index versions torch --python-version X.Y --only-binary=:all:` for Linux x86_64. */
export const TORCH_SERIES: readonly FrameworkSeries[] = [
  { series: '1.13', pythonMin: '3.7', pythonMax: '3.11' },
  { series: '2.0', pythonMin: '3.8', pythonMax: '3.11' },
  { series: '2.1', pythonMin: '3.8', pythonMax: '3.11' },
  { series: '2.2', pythonMin: '3.8', pythonMax: '3.12' },
  { series: '2.3', pythonMin: '3.8', pythonMax: '3.12' },
  { series: '2.4', pythonMin: '3.8', pythonMax: '3.12' },
  { series: '2.5', pythonMin: '3.9', pythonMax: '3.13' },
  { series: '2.6', pythonMin: '3.9', pythonMax: '3.13' },
  { series: '2.7', pythonMin: '3.9', pythonMax: '3.13' },
  { series: '2.8', pythonMin: '3.9', pythonMax: '3.13' },
  { series: '2.9', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.10', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.11', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.12', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.13', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.14', pythonMin: '3.10', pythonMax: '3.14' },
  { series: '2.15', pythonMin: '3.11', pythonMax: '3.14' },
];

/** The frameworks checked against the chosen python, by PyPI name. */
export const FRAMEWORKS: Readonly<Record<string, readonly FrameworkSeries[]>> = Object.freeze({
  tensorflow: TENSORFLOW_SERIES,
  'tensorflow-cpu': TENSORFLOW_SERIES,
  torch: TORCH_SERIES,
});

/** The series a specifier allows ('' allows all); empty when it names only releases the table does not know. */
export function seriesAllowed(table: readonly FrameworkSeries[], specifier: string): FrameworkSeries[] {
  return table.filter((row) => intersects(specifier, `==${row.series}.*`));
}

/** Whether a series has wheels for a python minor. */
export function seriesSupports(row: FrameworkSeries, python: string): boolean {
  const minor = (version: string): number => Number(version.split('.')[1] ?? 0);
  return minor(row.pythonMin) <= minor(python) && minor(python) <= minor(row.pythonMax);
}

/**
 * Why a framework requirement cannot be installed on a python minor, with what to do; undefined when it can,
 * or when the specifier names only releases the table does not know (pip will tell).
 */
export function frameworkPythonProblem(name: string, specifier: string, python: string): string | undefined {
  const table = FRAMEWORKS[name];
  if (table === undefined) return undefined;
  const allowed = seriesAllowed(table, specifier);
  if (allowed.length === 0 || allowed.some((row) => seriesSupports(row, python))) return undefined;
  const ranges = allowed.map((row) => `${name} ${row.series} supports python ${row.pythonMin} to ${row.pythonMax}`);
  // The nearest python those releases have: the newest when the chosen one is too new, else the oldest.
  const pythons = allowed
    .flatMap((row) => minorsBetween(row.pythonMin, row.pythonMax))
    .sort((a, b) => minorOf(a) - minorOf(b));
  const tooNew = minorOf(python) > minorOf(pythons.at(-1) ?? python);
  const nearest = tooNew ? pythons.at(-1) : pythons[0];
  // Too new a python needs a newer release of the framework; too old a python, an older one.
  const first = table.indexOf(allowed[0] as FrameworkSeries);
  const last = table.indexOf(allowed.at(-1) as FrameworkSeries);
  const newer = table.find((row, index) => index > last && seriesSupports(row, python));
  const older = table.some((row, index) => index < first && seriesSupports(row, python));
  const fixes = [
    nearest !== undefined ? `pin python ${nearest} in the environment file` : undefined,
    tooNew && newer ? `require ${name}>=${newer.series}` : undefined,
    !tooNew && older ? `require ${name}<${table[first]?.series}` : undefined,
  ].filter(Boolean);
  return `has no release for python ${python} (${ranges.join('; ')}); ${fixes.join(' or ')}`;
}

/** What a framework requirement asks of Flower's packages on this python, when every series it allows agrees. */
export function frameworkBounds(name: string, specifier: string, python: string): Partial<Record<FlwrPinned, string>> {
  const table = FRAMEWORKS[name];
  if (table === undefined) return {};
  const rows = seriesAllowed(table, specifier).filter((row) => seriesSupports(row, python));
  const bounds: Partial<Record<FlwrPinned, string>> = {};
  for (const packageName of ['numpy', 'protobuf', 'grpcio'] as const) {
    const values = new Set(rows.map((row) => row.requires?.[packageName]));
    const [only] = values;
    // Several series that differ, or one the table has no bound for, leave pip free to choose: no bound.
    if (values.size === 1 && only !== undefined) bounds[packageName] = only;
  }
  return bounds;
}

function minorOf(version: string): number {
  return Number(version.split('.')[1] ?? 0);
}

function minorsBetween(low: string, high: string): string[] {
  const from = Number(low.split('.')[1]);
  const to = Number(high.split('.')[1]);
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => `3.${from + index}`);
}

/** Whether every framework the environment pins (for this python, markers applied) has a release for the python minor. */
export function frameworksFit(
  requirements: readonly { readonly requirement: string }[],
  python: string,
  machine: string,
): boolean {
  return requirements.every(({ requirement }) => {
    const parsed = parseRequirement(requirement);
    if (parsed?.name === undefined || parsed.kind !== 'index') return true;
    if (parsed.marker !== undefined && evaluateMarker(parsed.marker, { python, machine }) === false) return true;
    return frameworkPythonProblem(parsed.name, parsed.specifier, python) === undefined;
  });
}

/** The machine name PEP 508 markers use for an OCI architecture. */
export function markerMachine(architecture: string): string {
  return architectureInfo(architecture)?.machine ?? architecture;
}
