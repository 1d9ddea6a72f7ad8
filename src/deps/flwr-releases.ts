// Which Flower release the images get: the newest whose own requirements fit the chosen python and the repo's pins.

import { FLWR_PINNED, FLWR_RELEASES, type FlwrPinned, type FlwrRelease } from './flwr-release-table.js';
import { compare, intersects, lowerBound, satisfies } from './pep440.js';
import { newestPatch } from './python-version.js';

/** One specifier the repo sets on a package, and where (`numpy==1.26.4 (requirements.txt, line 3)`). */
export interface RepoBound {
  readonly specifier: string;
  /** Names the line, or the package that sets the bound, for messages. */
  readonly by: string;
}

/** What the choice has to respect. */
export interface FlwrInput {
  /** `major.minor` */
  readonly python: string;
  /** The repo's own specifiers of numpy, protobuf and grpcio (requirements and constraints that apply). */
  readonly pins: Readonly<Partial<Record<FlwrPinned, readonly RepoBound[]>>>;
  /** What the repo's other pinned packages accept of them (tensorflow 2.15 needs protobuf<5). */
  readonly bounds: Readonly<Partial<Record<FlwrPinned, readonly RepoBound[]>>>;
}

/** A pin of the repo raised to what the chosen Flower release needs. */
export interface PinRaise {
  readonly package: FlwrPinned;
  readonly from: readonly RepoBound[];
  /** The specifier that replaces the repo's. */
  readonly to: string;
}

export type FlwrChoice =
  | { readonly version: string; readonly raises: readonly PinRaise[] }
  | {
      readonly problem: string;
      /** No release supports the python; two of the repo's pins clash; or no release fits the pins. */
      readonly kind: 'python' | 'pins-clash' | 'no-release-fits';
    };

/** The newest Flower release that supports the latest patch release of a python minor (the slim images ship that). */
export function flwrFor(python: string): string {
  const choice = chooseFlwr({ python, pins: {}, bounds: {} });
  if ('problem' in choice) throw new Error(choice.problem);
  return choice.version;
}

/**
 * Chooses the Flower release. The newest release whose requirements fit the python and every pin of
 * the repo wins; an older release is preferred to changing the repo's pins. Only when none fits is a
 * pin raised: to the release needing the smallest raise (then the newest), and only when the repo's
 * other packages accept the raised versions.
 */
export function chooseFlwr(input: FlwrInput): FlwrChoice {
  const releases = FLWR_RELEASES.filter(
    (release) => /^\d+\.\d+$/.test(input.python) && satisfies(newestPatch(input.python), release.python),
  );
  if (releases.length === 0)
    return { kind: 'python', problem: `no Flower release the builder knows supports python ${input.python}` };
  const specs = (bounds: readonly RepoBound[] | undefined): string[] => (bounds ?? []).map((bound) => bound.specifier);

  for (const name of FLWR_PINNED) {
    const pins = input.pins[name] ?? [];
    const bounds = input.bounds[name] ?? [];
    if (pins.length > 0 && bounds.length > 0 && !intersects(...specs(pins), ...specs(bounds))) {
      return {
        kind: 'pins-clash',
        problem: `${describe(pins)} cannot be installed together with ${bounds.map((bound) => `${bound.by}, which needs ${name}${bound.specifier}`).join(' and ')}; change one of the pins`,
      };
    }
  }

  const fits = releases.find((release) =>
    FLWR_PINNED.every((name) =>
      intersects(release.requires[name], ...specs(input.pins[name]), ...specs(input.bounds[name])),
    ),
  );
  if (fits) return { version: fits.version, raises: [] };

  const candidates = releases.flatMap((release) => {
    const raises: PinRaise[] = [];
    for (const name of FLWR_PINNED) {
      const need = release.requires[name];
      const pins = input.pins[name] ?? [];
      if (!intersects(need, ...specs(input.bounds[name]))) return [];
      if (intersects(need, ...specs(pins), ...specs(input.bounds[name]))) continue;
      // Only a raise: a pin above what the release needs would have to be lowered, which is refused.
      const floor = lowerBound(need);
      if (floor === undefined || !intersects(...specs(pins), `<${floor}`)) return [];
      raises.push({ package: name, from: pins, to: need });
    }
    return [{ release, raises }];
  });
  const best = candidates.reduce<(typeof candidates)[number] | undefined>(
    (chosen, candidate) => (chosen === undefined || smallerRaise(candidate.raises, chosen.raises) ? candidate : chosen),
    undefined,
  );
  if (best) return { version: best.release.version, raises: best.raises };

  const newest = releases[0] as FlwrRelease;
  const clashes = FLWR_PINNED.filter(
    (name) => !intersects(newest.requires[name], ...specs(input.pins[name]), ...specs(input.bounds[name])),
  );
  const what = clashes.map((name) => `${name}${newest.requires[name]}`).join(' and ');
  const pinned = clashes
    .map((name) => describe([...(input.pins[name] ?? []), ...(input.bounds[name] ?? [])]))
    .join('; ');
  return {
    kind: 'no-release-fits',
    problem: `no Flower release from ${FLWR_RELEASES.at(-1)?.version} to ${newest.version} supports python ${input.python} together with ${pinned}, and raising the pins would leave what the repo's other packages accept; flwr ${newest.version} needs ${what}: change the pins to fit that`,
  };
}

/** Fewer raised packages first; then the lower raised floors (the smaller step from the repo's pins). Ties keep the newer release. */
function smallerRaise(candidate: readonly PinRaise[], chosen: readonly PinRaise[]): boolean {
  if (candidate.length !== chosen.length) return candidate.length < chosen.length;
  for (const [index, raise] of candidate.entries()) {
    const other = chosen[index];
    const order = compare(lowerBound(raise.to) ?? '0', lowerBound(other?.to ?? '') ?? '0');
    if (raise.package === other?.package && order !== 0) return order < 0;
  }
  return false;
}

function describe(bounds: readonly RepoBound[]): string {
  return bounds.map((bound) => bound.by).join(', ');
}

/** Whether some Flower release in the table supports a python minor. */
export function flwrSupports(python: string): boolean {
  return /^\d+\.\d+$/.test(python) && FLWR_RELEASES.some((release) => satisfies(newestPatch(python), release.python));
}
