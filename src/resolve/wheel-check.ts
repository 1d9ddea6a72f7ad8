// Which exact pins of a set have no wheel for a platform and python, as the package index says (pip lists the
// versions that install on the target): asked when a platform's lock fails, before a conflict is blamed, since uv
// names only the first requirement it cannot meet and the builder installs wheels only.

import { compare } from '../deps/pep440.js';
import { evaluateMarker } from '../deps/pep508-marker.js';
import { parseRequirement } from '../deps/pep508-requirement.js';
import type { PlatformInfo } from '../platforms.js';
import { indexVersions, type PipSetup } from './resolve-set.js';

/** A pin whose version has no wheel for the target, and the versions that have one. */
export interface MissingWheel {
  /** The requirement line as the lock asked for it (`psutil==5.9.8`). */
  readonly line: string;
  /** PEP 503-normalised. */
  readonly name: string;
  readonly version: string;
  /** Where the repo wrote it (`requirements.txt:3`), when it did. */
  readonly where: string | undefined;
  readonly platform: string;
  readonly python: string;
  /** Released versions (no pre-releases) with a wheel for the target, oldest first. */
  readonly wheelVersions: readonly string[];
}

/** What the check needs besides the lines. */
export interface WheelCheckSetup {
  readonly pip: PipSetup;
  readonly python: string;
  readonly workDir: string;
  /** Where the repo wrote each requirement, by normalised name. */
  readonly sources: Readonly<Record<string, string>>;
}

// pip calls at once: the machine and the index are shared.
const AT_ONCE = 4;

/** `name==version` of a line pinning one exact release (no wildcard) that applies to the target, else undefined. */
export function exactPin(line: string, python: string, machine: string): { name: string; version: string } | undefined {
  const parsed = line.trim().startsWith('-') ? undefined : parseRequirement(line);
  const version = /^===?([0-9][^,*]*)$/.exec(parsed?.specifier ?? '')?.[1];
  if (parsed?.name === undefined || parsed.kind !== 'index' || version === undefined) return undefined;
  if (parsed.marker !== undefined && evaluateMarker(parsed.marker, { python, machine }) === false) return undefined;
  return { name: parsed.name, version };
}

/** Whether a version is a final release (or a post release of one): the releases a pin may move to. */
export function isFinalRelease(version: string): boolean {
  return !/(a|b|rc|c|alpha|beta|pre|preview|dev)\.?\d*/i.test(version.replace(/\.post\d+$/, ''));
}

/**
 * The exact pins among `lines` whose version has no wheel for `platform`. A pin whose versions the index would not
 * list (an index error) is taken as fine: the failure that follows says what the index said.
 */
export async function pinsWithoutWheel(
  lines: readonly string[],
  platform: PlatformInfo,
  setup: WheelCheckSetup,
): Promise<MissingWheel[]> {
  const pinned = lines.flatMap((line) => {
    const pin = exactPin(line, setup.python, platform.machine);
    return pin ? [{ line, ...pin }] : [];
  });
  const missing: MissingWheel[] = [];
  for (let start = 0; start < pinned.length; start += AT_ONCE) {
    const batch = pinned.slice(start, start + AT_ONCE);
    const listed = await Promise.all(
      batch.map((pin) =>
        indexVersions(
          { target: { python: setup.python, architecture: platform.architecture }, workDir: setup.workDir },
          setup.pip,
          pin.name,
          true,
        ),
      ),
    );
    for (const [index, pin] of batch.entries()) {
      const versions = listed[index];
      if (!Array.isArray(versions) || versions.some((version) => compare(version, pin.version) === 0)) continue;
      missing.push({
        ...pin,
        where: setup.sources[pin.name],
        platform: platform.platform,
        python: setup.python,
        wheelVersions: sortVersions(versions.filter(isFinalRelease)),
      });
    }
  }
  return missing;
}

function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compare);
}
