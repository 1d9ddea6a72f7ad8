// The unpacker against real .tar.gz files: the ordinary ones unpack (from their one top-level folder), and each hostile
// one is refused with its own code, before anything lands outside the destination.

import { createWriteStream, existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../../src/sources/archive.js';
import { SourceError } from '../../../src/sources/source-error.js';
import { type ArchiveEntry, writeArchive } from '../../helpers/archives.js';
import { makeTempDir, removeTempDir } from '../../helpers/temp-dir.js';

const LIMITS = { maxBytes: 1024 * 1024, maxEntries: 50 };
const never = new AbortController().signal;

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('archive');
});
afterEach(async () => {
  await removeTempDir(dir);
});

/** Writes the entries as an archive and unpacks it into `<dir>/work/repo`. */
async function unpack(entries: readonly ArchiveEntry[], limits = LIMITS, gzip = true) {
  const file = join(dir, 'a.tar.gz');
  await writeArchive(file, entries, { gzip });
  await mkdir(join(dir, 'work'));
  return unpackArchive(file, join(dir, 'work', 'repo'), limits, never);
}

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('unpackArchive', () => {
  it('unpacks files, folders and inside links, and gives the newest mtime', async () => {
    const unpacked = await unpack([
      { name: './', type: 'directory' },
      { name: './model_manager.py', content: 'class ModelManager: ...\n', mtime: new Date('2026-03-01T00:00:00Z') },
      { name: './lib/', type: 'directory' },
      { name: './lib/run.sh', content: '#!/bin/sh\n', mode: 0o755, mtime: new Date('2026-05-02T10:00:00Z') },
      { name: './lib/alias.py', type: 'symlink', linkname: '../model_manager.py' },
      { name: './lib/copy.py', type: 'link', linkname: 'model_manager.py' },
    ]);
    expect(unpacked.root).toBe(join(dir, 'work', 'repo'));
    expect(unpacked.newest).toEqual(new Date('2026-05-02T10:00:00Z'));
    expect(unpacked.entries).toBe(5);
    expect(await readFile(join(unpacked.root, 'lib', 'copy.py'), 'utf8')).toBe('class ModelManager: ...\n');
    expect(await readlink(join(unpacked.root, 'lib', 'alias.py'))).toBe('../model_manager.py');
    expect((await lstat(join(unpacked.root, 'lib', 'run.sh'))).mode & 0o777).toBe(0o755);
  });

  it("reads an archive whose entries all sit under one folder from that folder, as code hosts' downloads are", async () => {
    const unpacked = await unpack([
      { name: 'mnist-main/', type: 'directory' },
      { name: 'mnist-main/model_manager.py', content: 'x = 1\n' },
    ]);
    expect(unpacked.root).toBe(join(dir, 'work', 'repo', 'mnist-main'));
  });

  it('keeps the root when the top holds more than one entry', async () => {
    const unpacked = await unpack([
      { name: 'a/', type: 'directory' },
      { name: 'b.txt', content: 'b' },
    ]);
    expect(unpacked.root).toBe(join(dir, 'work', 'repo'));
  });

  const ATTACKS: readonly { name: string; entries: ArchiveEntry[]; code: string; limits?: typeof LIMITS }[] = [
    { name: 'an absolute path', entries: [{ name: '/tmp/flops-evil', content: 'x' }], code: 'ARCHIVE_ABSOLUTE_PATH' },
    { name: 'a path with ..', entries: [{ name: 'a/../../evil', content: 'x' }], code: 'ARCHIVE_PARENT_PATH' },
    {
      name: 'a symbolic link out',
      entries: [{ name: 'out', type: 'symlink', linkname: '../../outside' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'an absolute symbolic link',
      entries: [{ name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'a hard link out',
      entries: [{ name: 'shadow', type: 'link', linkname: '/etc/shadow' }],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'a hard link to a link',
      entries: [
        { name: 'l', type: 'symlink', linkname: 'x' },
        { name: 'h', type: 'link', linkname: 'l' },
      ],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'a link whose own link climbs out',
      entries: [
        { name: 'd/', type: 'directory' },
        { name: 'd/up', type: 'symlink', linkname: '..' },
        { name: 'd/out', type: 'symlink', linkname: 'up/..' },
      ],
      code: 'ARCHIVE_LINK_ESCAPES',
    },
    {
      name: 'a file written through an earlier link',
      entries: [
        { name: 'sub', type: 'symlink', linkname: '.' },
        { name: 'sub/evil', content: 'x' },
      ],
      code: 'ARCHIVE_THROUGH_LINK',
    },
    {
      name: 'a duplicate entry',
      entries: [
        { name: 'a.txt', content: 'one' },
        { name: './a.txt', content: 'two' },
      ],
      code: 'ARCHIVE_DUPLICATE_ENTRY',
    },
    {
      name: 'a file replaced by a link',
      entries: [
        { name: 'a.txt', content: 'one' },
        { name: 'a.txt', type: 'symlink', linkname: '/etc/passwd' },
      ],
      code: 'ARCHIVE_DUPLICATE_ENTRY',
    },
    { name: 'a character device', entries: [{ name: 'null', type: 'character-device' }], code: 'ARCHIVE_SPECIAL_FILE' },
    { name: 'a block device', entries: [{ name: 'sda', type: 'block-device' }], code: 'ARCHIVE_SPECIAL_FILE' },
    { name: 'a fifo', entries: [{ name: 'pipe', type: 'fifo' }], code: 'ARCHIVE_SPECIAL_FILE' },
    {
      name: 'too many entries',
      entries: Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, content: `${i}` })),
      limits: { maxBytes: LIMITS.maxBytes, maxEntries: 10 },
      code: 'ARCHIVE_TOO_MANY_ENTRIES',
    },
    {
      name: 'too many bytes',
      entries: [{ name: 'big.bin', content: Buffer.alloc(3 * 1024 * 1024) }],
      code: 'ARCHIVE_TOO_LARGE',
    },
  ];

  it.each(ATTACKS)('refuses $name with $code, writing nothing outside', async ({ entries, code, limits }) => {
    const error = await refusal(unpack(entries, limits));
    expect(error.code).toBe(code);
    expect(await readdir(dir)).toEqual(['a.tar.gz', 'work']);
    expect(await readdir(join(dir, 'work'))).toEqual(['repo']);
    expect(existsSync('/tmp/flops-evil')).toBe(false);
  });

  it('stops inflating zeros past the end of the tar once the limit is passed', async () => {
    const tar = join(dir, 'small.tar');
    await writeArchive(tar, [{ name: 'a.txt', content: 'a' }], { gzip: false });
    const file = join(dir, 'padded.tar.gz');
    const gzip = createGzip();
    const written = pipeline(gzip, createWriteStream(file));
    gzip.write(await readFile(tar));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 64; i += 1) gzip.write(zeros);
    gzip.end();
    await written;
    const error = await refusal(unpackArchive(file, join(dir, 'out'), LIMITS, never));
    expect(error.code).toBe('ARCHIVE_TOO_LARGE');
  });

  it('stops a bomb while inflating, before its bytes are written', async () => {
    // 200 MB of zeros compress to about 200 KB; the limit is 1 MB.
    const file = join(dir, 'bomb.tar.gz');
    await writeArchive(file, [{ name: 'zeros', content: Buffer.alloc(200 * 1024 * 1024) }]);
    const started = Date.now();
    const error = await refusal(unpackArchive(file, join(dir, 'out'), LIMITS, never));
    expect(error.code).toBe('ARCHIVE_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
  });

  it('refuses a tar that is not gzipped', async () => {
    const error = await refusal(unpack([{ name: 'a', content: 'a' }], LIMITS, false));
    expect(error.code).toBe('ARCHIVE_NOT_GZIP');
  });

  it.each([
    ['a tar cut short', (tar: Buffer) => gzipSync(tar.subarray(0, 1024))],
    ['a gzip stream cut short', (tar: Buffer) => gzipSync(tar).subarray(0, 40)],
  ])('refuses %s as unreadable, without hanging', async (_, spoil) => {
    const tar = join(dir, 'whole.tar');
    await writeArchive(tar, [{ name: 'a.txt', content: 'a'.repeat(5000) }], { gzip: false });
    const file = join(dir, 'cut.tar.gz');
    await writeFile(file, spoil(await readFile(tar)));
    const error = await refusal(unpackArchive(file, join(dir, 'out'), LIMITS, never));
    expect(error.code).toBe('ARCHIVE_UNREADABLE');
  });

  it('refuses gzip that holds no tar', async () => {
    const file = join(dir, 'x.tar.gz');
    await writeFile(file, gzipSync(Buffer.from('just text, no tar header at all\n'.repeat(40))));
    const error = await refusal(unpackArchive(file, join(dir, 'out'), LIMITS, never));
    expect(error.code).toBe('ARCHIVE_UNREADABLE');
  });
});
