// Builds .tar.gz archives entry by entry (tar-stream), including the malformed and hostile ones no tar command makes.

import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

/** One entry as written into the archive. */
export interface ArchiveEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo';
  readonly content?: string | Buffer;
  readonly linkname?: string;
  readonly mode?: number;
  readonly mtime?: Date;
  /** A size in the header that differs from the content (a header that lies). */
  readonly size?: number;
}

/** Writes `entries`, in order, as a tar (gzipped unless `gzip: false`) to `file`. */
export async function writeArchive(
  file: string,
  entries: readonly ArchiveEntry[],
  options: { readonly gzip?: boolean } = {},
): Promise<void> {
  const pack = tarStream.pack();
  const done =
    options.gzip === false
      ? pipeline(pack, createWriteStream(file))
      : pipeline(pack, createGzip(), createWriteStream(file));
  for (const entry of entries) {
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    const header = {
      name: entry.name,
      type: entry.type ?? 'file',
      mode: entry.mode,
      mtime: entry.mtime ?? new Date('2026-01-01T00:00:00Z'),
      linkname: entry.linkname,
      ...(entry.size === undefined ? {} : { size: entry.size }),
    };
    const body = entry.type === undefined || entry.type === 'file' ? (content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, body, (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await done;
}

/** The entries of a folder (files, folders, links), under `prefix`, as `tar -czf x -C dir .` would list them. */
export async function folderEntries(dir: string, prefix = ''): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const item of (await readdir(current, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, item.name);
      const name = `${prefix}${relative(dir, path)}`;
      if (item.name === '.git') continue;
      const { mode } = await lstat(path);
      if (item.isDirectory()) {
        entries.push({ name: `${name}/`, type: 'directory', mode: mode & 0o777 });
        await walk(path);
      } else if (item.isSymbolicLink()) {
        entries.push({ name, type: 'symlink', linkname: await readlink(path) });
      } else {
        entries.push({ name, content: await readFile(path), mode: mode & 0o777 });
      }
    }
  };
  await walk(dir);
  return entries;
}
