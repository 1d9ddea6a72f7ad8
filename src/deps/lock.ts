// A lock: the requirements file uv writes, one block per package (`name==version \` and its `--hash` lines).

import { createHash } from 'node:crypto';
import { normaliseName } from './requirement-name.js';

/** One locked package. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
}

/** A lock's text and what it pins. */
export interface Lock {
  readonly text: string;
  readonly packages: readonly LockedPackage[];
}

/** Reads a lock written by `uv pip compile --generate-hashes`. */
export function readLock(text: string): Lock {
  return { text, packages: blocks(text).map((block) => block.pkg) };
}

/** The lock's sha256, as image labels and the report name it. */
export function lockDigest(lock: Lock): string {
  return `sha256:${createHash('sha256').update(lock.text).digest('hex')}`;
}

/** `name==version` lines: the lock as constraints for another resolution. */
export function pins(lock: Lock): string[] {
  return lock.packages.map((pkg) => `${pkg.name}==${pkg.version}`);
}

/** The packages of `whole` that `part` does not have, with their hashes: the aggregator's own layer. */
export function without(whole: Lock, part: Lock): Lock {
  const have = new Set(part.packages.map((pkg) => normaliseName(pkg.name)));
  const kept = blocks(whole.text).filter((block) => !have.has(normaliseName(block.pkg.name)));
  return { text: kept.map((block) => block.text).join(''), packages: kept.map((block) => block.pkg) };
}

/** Packages whose versions differ between two locks, as `name a → b` (for the report). */
export function differences(first: Lock, other: Lock): string[] {
  const versions = new Map(first.packages.map((pkg) => [normaliseName(pkg.name), pkg.version]));
  return other.packages.flatMap((pkg) => {
    const was = versions.get(normaliseName(pkg.name));
    return was !== undefined && was !== pkg.version ? [`${pkg.name} ${was} → ${pkg.version}`] : [];
  });
}

function blocks(text: string): { pkg: LockedPackage; text: string }[] {
  const found: { pkg: LockedPackage; text: string }[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    const start = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)/.exec(line);
    if (start?.[1] && start[2]) found.push({ pkg: { name: start[1], version: start[2] }, text: line });
    else if (/^\s/.test(line) && found.length > 0) {
      const last = found[found.length - 1] as { pkg: LockedPackage; text: string };
      last.text += line;
    }
  }
  return found;
}

/** The version `lock` pins for the package `name`, if it pins it. */
export function lockedVersion(lock: Lock | undefined, name: string): string | undefined {
  return lock?.packages.find((pkg) => normaliseName(pkg.name) === normaliseName(name))?.version;
}
