// /etc/subuid and /etc/subgid: the ranges of ids a user may map into a user namespace (`name:start:count` per line,
// the name or the numeric uid).

import { readFile } from 'node:fs/promises';

/** One user's range. */
export interface IdRange {
  readonly start: number;
  readonly count: number;
}

/** The largest range listed for the user (by name or uid), or undefined. */
export function rangeFor(text: string, user: { readonly name: string; readonly uid: number }): IdRange | undefined {
  const ranges = text
    .split('\n')
    .map((line) => line.trim().split(':'))
    .filter(([owner, start, count]) => (owner === user.name || owner === String(user.uid)) && start && count)
    .map(([, start, count]) => ({ start: Number(start), count: Number(count) }))
    .filter((range) => Number.isInteger(range.start) && Number.isInteger(range.count) && range.count > 0);
  return ranges.sort((a, b) => b.count - a.count)[0];
}

/** Reads a subordinate id file; a missing file lists nobody. */
export async function readIdFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
