// lockTarget and the Flower fallback against a fake uv (the boundary): which failures are retried, and which may make
// resolve change what it asked for. uv names the package it was fetching when the index fails, so a dropped
// connection while reading flwr's page must not read as Flower not fitting.

import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockBesideFlower } from '../../../src/resolve/flower-fallback.js';
import { isUnsatisfiable, type LockRequest, lockTarget, type UvSetup } from '../../../src/resolve/uv-lock.js';

// What uv 0.13 printed here: the index unreachable for a moment, its TLS refused, and no versions fitting.
const CONNECTION_RESET = `error: Failed to fetch: \`https://pypi.org/simple/flwr/\`
  cause: error sending request for url (https://pypi.org/simple/flwr/)
  cause: Connection reset by peer (os error 104)`;
const TLS_REFUSED = `error: Failed to fetch: \`https://pypi.org/simple/flwr/\`
  cause: invalid peer certificate: UnknownIssuer`;
const NO_SOLUTION = `error: No solution found when resolving dependencies
  cause: Because mlflow==2.9.2 depends on packaging<24 and flwr>=1.42.0 depends on packaging>=24.0,<26.0, we can conclude that flwr>=1.42.0 and mlflow==2.9.2 are incompatible.`;

// Call n prints fail-n to stderr and exits 2 if that file exists; else it writes the file `lock` as its output.
const FAKE_UV = `#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
n=$(wc -l < "$dir/calls" | tr -d ' ')
out=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--output-file" ]; then out="$arg"; fi
  prev="$arg"
done
if [ -f "$dir/fail-$n" ]; then cat "$dir/fail-$n" >&2; exit 2; fi
cp "$dir/lock" "$out"
`;

describe('locking with uv', () => {
  let dir: string;
  let uv: UvSetup;
  const request = (requirements: string[]): LockRequest => ({
    requirements,
    pipOptions: [],
    constraints: [],
    extras: [],
    python: '3.11',
    workDir: dir,
  });
  const calls = async (): Promise<string[]> =>
    (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uv-lock-'));
    await writeFile(join(dir, 'uv'), FAKE_UV);
    await chmod(join(dir, 'uv'), 0o755);
    await writeFile(join(dir, 'lock'), 'flwr==1.41.0 \\\n    --hash=sha256:aa\n');
    uv = {
      uv: join(dir, 'uv'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      index: { indexUrl: 'https://pypi.org/simple', extraIndexUrls: [], trustedHosts: [] },
      signal: new AbortController().signal,
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('tells "no versions fit" from a failure to read the index', () => {
    expect(isUnsatisfiable(NO_SOLUTION)).toBe(true);
    expect(isUnsatisfiable(CONNECTION_RESET)).toBe(false);
    expect(isUnsatisfiable(TLS_REFUSED)).toBe(false);
  });

  it('runs uv again after the index failed for now, and locks', async () => {
    await writeFile(join(dir, 'fail-1'), CONNECTION_RESET);
    const attempt = await lockTarget(request(['flwr==1.41.0']), 'x86_64', [], uv);
    expect(attempt).toMatchObject({ ok: true, base: { packages: [{ name: 'flwr', version: '1.41.0' }] } });
    expect(await calls()).toHaveLength(2);
  });

  it('does not ask again when no versions fit, or when the index refuses its TLS, and says which it was', async () => {
    await writeFile(join(dir, 'fail-1'), NO_SOLUTION);
    await writeFile(join(dir, 'fail-2'), TLS_REFUSED);
    const conflict = await lockTarget(request(['flwr==1.42.0', 'mlflow==2.9.2']), 'x86_64', [], uv);
    expect(conflict).toMatchObject({ ok: false, unsatisfiable: true });
    const refused = await lockTarget(request(['flwr==1.42.0']), 'x86_64', [], uv);
    expect(refused).toMatchObject({ ok: false, unsatisfiable: false });
    expect(await calls()).toHaveLength(2);
  });

  it('tries an older Flower only when uv found that no versions fit, never after a failure to read the index', async () => {
    const asked = request(['flwr==1.42.0', 'mlflow==2.9.2']);
    expect(await lockBesideFlower(asked, 'x86_64', CONNECTION_RESET, uv)).toBeUndefined();
    expect(await lockBesideFlower(asked, 'x86_64', TLS_REFUSED, uv)).toBeUndefined();
    expect(await calls()).toEqual([]);

    const fallback = await lockBesideFlower(asked, 'x86_64', NO_SOLUTION, uv);
    expect(fallback?.note).toMatch(/^flwr 1\.41\.0 in place of 1\.42\.0/);
    expect(fallback?.request.requirements).toEqual(['flwr==1.41.0', 'mlflow==2.9.2']);
    expect(await calls()).toHaveLength(1);
  });
});
