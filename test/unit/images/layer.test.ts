import { chmod, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeLayer } from '../../../src/images/layer.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('layer');
  await mkdir(join(dir, 'repo', 'pkg'), { recursive: true });
  await writeFile(join(dir, 'repo', 'model_manager.py'), 'class ModelManager: ...\n');
  await writeFile(join(dir, 'repo', 'pkg', 'run.sh'), '#!/bin/sh\n');
  await chmod(join(dir, 'repo', 'pkg', 'run.sh'), 0o700);
  await symlink('model_manager.py', join(dir, 'repo', 'link.py'));
});
afterEach(() => removeTempDir(dir));

/** Every entry of a tar as `name mode uid type`. */
function entries(tar: Buffer): string[] {
  const found: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (name === '') break;
    const field = (start: number, length: number) =>
      Number.parseInt(header.subarray(start, start + length).toString('utf8'), 8);
    const type = String.fromCharCode(header[156] ?? 48);
    found.push(`${name} ${field(100, 8).toString(8)} ${field(108, 8)} ${type}`);
    offset += 512 + Math.ceil(field(124, 12) / 512) * 512;
  }
  return found;
}

describe('writeLayer', () => {
  it('writes every parent folder, owners and modes fixed, files sorted', async () => {
    const layer = await writeLayer(
      dir,
      [{ from: 'repo', to: '/app', owned: true }],
      { uid: 10001, gid: 10001 },
      join(dir, 'l.tar.gz'),
      'repo',
    );
    expect(entries(gunzipSync(await readFile(layer.file)))).toEqual([
      'app/ 755 10001 5',
      'app/link.py 777 10001 2',
      'app/model_manager.py 644 10001 0',
      'app/pkg/ 755 10001 5',
      'app/pkg/run.sh 755 10001 0',
    ]);
    expect(layer.size).toBe((await readFile(layer.file)).length);
  });

  it('gives root the folders above a placement, and writes the same bytes for the same files, whatever their times', async () => {
    const at = { from: 'repo', to: '/opt/flops/lib', owned: false };
    const first = await writeLayer(dir, [at], { uid: 10001, gid: 10001 }, join(dir, 'a.tar.gz'), 'lib');
    await utimes(join(dir, 'repo', 'model_manager.py'), new Date(), new Date(1_000_000));
    const second = await writeLayer(dir, [at], { uid: 10001, gid: 10001 }, join(dir, 'b.tar.gz'), 'lib');
    expect([second.digest, second.diffId]).toEqual([first.digest, first.diffId]);
    expect(entries(gunzipSync(await readFile(first.file))).slice(0, 3)).toEqual([
      'opt/ 755 0 5',
      'opt/flops/ 755 0 5',
      'opt/flops/lib/ 755 0 5',
    ]);
    await writeFile(join(dir, 'repo', 'model_manager.py'), 'changed\n');
    const third = await writeLayer(dir, [at], { uid: 10001, gid: 10001 }, join(dir, 'c.tar.gz'), 'lib');
    expect(third.digest).not.toBe(first.digest);
  });
});
