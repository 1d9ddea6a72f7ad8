import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LFS_POINTER_PREFIX, scanRepo } from '../../../src/context/scan-repo.js';
import { useScratchRepo } from '../../helpers/scratch-repo.js';

const POINTER = `${LFS_POINTER_PREFIX}\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n`;
const WIDE = { maxBytes: 1024 * 1024, maxFiles: 100 };

const fixture = useScratchRepo('scan-repo');
const put = fixture.put;

describe('scanRepo', () => {
  it('counts files and bytes outside .git, at any depth', async () => {
    await put({
      'a.py': '12345',
      'pkg/b.py': '123',
      '.git/objects/x': 'x'.repeat(5000),
      'sub/.git': 'gitdir: ../.git/modules/sub',
    });
    expect(await scanRepo(fixture.repo, WIDE)).toEqual({
      files: 2,
      bytes: 8,
      overLimit: undefined,
      escapingLinks: [],
      lfsPointers: [],
    });
  });

  it('names links that resolve outside the fixture.repo, and keeps links inside it', async () => {
    await put({ 'a.py': 'x', 'data/real.csv': '1' });
    await symlink('/etc/passwd', join(fixture.repo, 'passwords'));
    await symlink('../../outside', join(fixture.repo, 'data/up'));
    await symlink('real.csv', join(fixture.repo, 'data/alias.csv'));
    await symlink(join(fixture.repo, 'a.py'), join(fixture.repo, 'absolute-inside.py'));
    expect((await scanRepo(fixture.repo, WIDE)).escapingLinks).toEqual(['data/up', 'passwords']);
  });

  it('stops at the first limit passed', async () => {
    await put(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, 'x'])));
    expect((await scanRepo(fixture.repo, { maxBytes: 1e6, maxFiles: 10 })).overLimit).toBe('files');
    await put({ 'big.bin': 'x'.repeat(2048) });
    expect((await scanRepo(fixture.repo, { maxBytes: 1024, maxFiles: 100 })).overLimit).toBe('bytes');
  });

  it('names Git LFS pointers, except those .dockerignore leaves out', async () => {
    await put({
      'model_manager.py': POINTER,
      'data/train.csv': POINTER,
      'raw/big.bin': POINTER,
      '.dockerignore': 'raw/\n',
      'notes.txt': `see ${LFS_POINTER_PREFIX}`,
    });
    expect((await scanRepo(fixture.repo, WIDE)).lfsPointers).toEqual(['data/train.csv', 'model_manager.py']);
  });
});
