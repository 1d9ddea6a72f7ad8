// A folder source on a real file system: what it copies, and a tag that follows its files and nothing else.

import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFolder, folderTag } from '../../../src/sources/folder.js';
import { SourceError } from '../../../src/sources/source-error.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const LIMITS = { maxBytes: 1024 * 1024, maxFiles: 20 };
const never = new AbortController().signal;

let dir: string;
let source: string;
beforeEach(async () => {
  dir = await makeTempDir('folder');
  source = join(dir, 'src');
  await mkdir(join(source, 'lib'), { recursive: true });
  await mkdir(join(source, '.git'));
  await writeFile(join(source, 'model_manager.py'), 'class ModelManager: ...\n');
  await writeFile(join(source, 'lib', 'util.py'), 'X = 1\n');
  await writeFile(join(source, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await symlink('../model_manager.py', join(source, 'lib', 'mm.py'));
});
afterEach(async () => {
  await removeTempDir(dir);
});

let copies = 0;
const copy = (limits = LIMITS) => {
  copies += 1;
  return copyFolder(source, join(dir, `copy-${copies}`), limits, never);
};

describe('copyFolder', () => {
  it('copies files and links without .git', async () => {
    const copied = await copy();
    const dest = join(dir, `copy-${copies}`);
    expect(copied.files).toBe(3);
    expect((await readdir(dest)).sort()).toEqual(['lib', 'model_manager.py']);
    expect(await readlink(join(dest, 'lib', 'mm.py'))).toBe('../model_manager.py');
    expect(copied.tag).toMatch(/^[0-9a-f]{40}$/);
  });

  it('gives the same tag for the same files, whatever their times or .git', async () => {
    const first = (await copy()).tag;
    await utimes(join(source, 'lib', 'util.py'), new Date('2020-01-01'), new Date('2020-01-01'));
    await writeFile(join(source, '.git', 'HEAD'), 'ref: refs/heads/other\n');
    expect((await copy()).tag).toBe(first);
  });

  it.each([
    ['contents', () => writeFile(join(source, 'lib', 'util.py'), 'X = 2\n')],
    ['a mode', () => chmod(join(source, 'lib', 'util.py'), 0o755)],
    ['a new file', () => writeFile(join(source, 'new.txt'), '')],
    ['a name', () => import('node:fs/promises').then((fs) => fs.rename(join(source, 'lib'), join(source, 'lib2')))],
  ])('changes the tag when %s changes', async (_, change) => {
    const first = (await copy()).tag;
    await change();
    expect((await copy()).tag).not.toBe(first);
  });

  it('makes the tag of the documented list: sorted "<mode> <sha256> <path>" lines', () => {
    const files = [
      { path: 'b', mode: 0o100644, sha256: 'bb' },
      { path: 'a', mode: 0o100755, sha256: 'aa' },
    ];
    // sha256("100755 aa a\n100644 bb b\n")
    const expected = execFileSync('sha256sum', { input: '100755 aa a\n100644 bb b\n' }).toString().slice(0, 40);
    expect(folderTag(files)).toBe(expected);
  });

  it.each([
    ['files', { maxBytes: LIMITS.maxBytes, maxFiles: 2 }],
    ['bytes', { maxBytes: 10, maxFiles: 20 }],
  ])('refuses a folder over its limit of %s', async (_, limits) => {
    await expect(copy(limits)).rejects.toMatchObject({ code: 'REPO_TOO_LARGE' });
  });

  it('refuses a missing folder and a fifo', async () => {
    await expect(copyFolder(join(dir, 'absent'), join(dir, 'x'), LIMITS, never)).rejects.toMatchObject({
      code: 'FOLDER_NOT_FOUND',
    });
    execFileSync('mkfifo', [join(source, 'pipe')]);
    const error = await copy().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ code: 'FOLDER_SPECIAL_FILE' });
  });
});
